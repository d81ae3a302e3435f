//! The cases the extractor must get right (docs/extraction.md, "Cases"), one test each, run
//! through the public API.

use quotecheck::extract::{ExtractOptions, Extractor};
use quotecheck::schema::{Kind, QuoteRecord};

mod common;
use common::{extract, extract_all, quote};

fn speaker_of(text: &str, prefix: &str) -> String {
    quote(&extract(text), prefix).speaker.clone()
}

const ORTIZ: &str = "“We will reopen the bridge by spring,” said Mayor Lena Ortiz.\n\n\
The council met on Tuesday.\n\n\
\"Nobody saw it coming,\" Ortiz said.\n\n\
«We are not done yet!» Mayor Ortiz tweeted.";

#[test]
fn case_01_said_title_name() {
    let rows = extract(ORTIZ);
    let r = quote(&rows, "We will reopen");
    assert_eq!(r.speaker, "Lena Ortiz");
    assert_eq!(r.kind, Kind::Direct);
    assert_eq!(r.cue, "said");
    assert_eq!(r.speaker_mention, "Mayor Lena Ortiz");
    assert_eq!(r.quote, "We will reopen the bridge by spring,");
}

#[test]
fn case_02_surname_resolves_to_full_name() {
    assert_eq!(speaker_of(ORTIZ, "Nobody saw it"), "Lena Ortiz");
}

#[test]
fn case_03_colon_before_quote() {
    let t = "Finance Minister Raj Patel said: “The deficit will shrink next year.”";
    let rows = extract(t);
    let r = quote(&rows, "The deficit");
    assert_eq!(r.speaker, "Raj Patel");
    assert_eq!(r.kind, Kind::Direct);
}

#[test]
fn case_04_pronoun_and_split_quote() {
    let t = "Fire Chief Tom Reyes arrived at noon. “We tried,” he said, “but the pumps failed.”";
    let rows = extract(t);
    assert_eq!(quote(&rows, "We tried").speaker, "Tom Reyes");
    assert_eq!(quote(&rows, "We tried").speaker_mention, "he");
    assert_eq!(quote(&rows, "but the pumps").speaker, "Tom Reyes");
}

#[test]
fn case_05_continuation_across_paragraphs() {
    let t = "“Supply is stable,” said Dr. Amara Okafor. “We have doses for every adult.\n\n“Clinics open Monday.”";
    let rows = extract(t);
    for p in ["Supply is stable", "We have doses", "Clinics open"] {
        assert_eq!(quote(&rows, p).speaker, "Amara Okafor", "{p}");
    }
}

#[test]
fn case_06_quote_only_paragraph() {
    let t = "“The river crested overnight,” said Capt. Joe Park.\n\n“Now we wait and pump.”";
    let rows = extract(t);
    assert_eq!(quote(&rows, "The river").speaker, "Joe Park");
    assert_eq!(quote(&rows, "Now we wait").speaker, "Joe Park");
}

#[test]
fn case_07_organisation_kept_as_written() {
    let t = "“The incident is under review,” the Pentagon said in a statement.";
    assert_eq!(speaker_of(t, "The incident"), "the Pentagon");
}

#[test]
fn case_08_according_to() {
    let t = "According to Sen. Joe Blake, “the votes simply are not there.”";
    let rows = extract(t);
    let r = quote(&rows, "the votes");
    assert_eq!(r.speaker, "Joe Blake");
    assert_eq!(r.cue, "according to");
}

#[test]
fn case_09_told_object_is_not_the_speaker() {
    let t = "“We need more time,” coach Lisa Chen told The Associated Press.";
    assert_eq!(speaker_of(t, "We need more"), "Lisa Chen");
}

#[test]
fn case_10_scare_quotes_are_not_quotes() {
    let t = "The minister dismissed the report as “fake news” and left.";
    assert!(extract(t).is_empty(), "{:#?}", extract(t));
}

#[test]
fn case_11_titles_are_not_quotes() {
    let t = "He wrote “A Season Of Quiet Rivers” in 2009.";
    assert!(extract(t).is_empty(), "{:#?}", extract(t));
}

#[test]
fn case_12_nested_quote_stays_inside() {
    let t = "“When they told me ‘the plant is closing,’ I cried,” said welder Jo Dunn.";
    let rows = extract(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].speaker, "Jo Dunn");
    assert!(rows[0].quote.contains("‘the plant is closing,’"));
}

#[test]
fn case_13_single_quotes_with_apostrophes() {
    let t = "‘It’s the players’ decision now,’ said coach Sam Ward.";
    let rows = extract(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].quote, "It’s the players’ decision now,");
    assert_eq!(rows[0].speaker, "Sam Ward");
}

#[test]
fn case_14_unclosed_quote_stops_at_paragraph() {
    let t = "The sign read \"Closed until further notice.\n\nPolice declined to comment. \"We have no statement,\" an officer said.";
    let rows = extract(t);
    assert!(
        rows.iter().all(|r| !r.quote.contains("Police")),
        "{rows:#?}"
    );
    assert_eq!(quote(&rows, "We have no").speaker, "an officer");
}

#[test]
fn case_15_explained() {
    let t = "“My father said we should never sell,” Ellen Park explained.";
    assert_eq!(speaker_of(t, "My father"), "Ellen Park");
}

#[test]
fn case_16_named_subject_in_previous_sentence() {
    let t = "Gov. Nia Brooks was blunt. “There is no money left for this.”";
    assert_eq!(speaker_of(t, "There is no money"), "Nia Brooks");
}

#[test]
fn case_17_mixed_quote() {
    let t = "Gov. Nia Brooks was blunt. “There is no money left for this.”\n\n\
Brooks called the plan “a reckless gamble voters will regret.”";
    let rows = extract(t);
    let r = quote(&rows, "a reckless gamble");
    assert_eq!(r.speaker, "Nia Brooks");
    assert_eq!(r.kind, Kind::Mixed);
    assert_eq!(r.cue, "called");
}

#[test]
fn case_18_guillemets() {
    let rows = extract(ORTIZ);
    let r = quote(&rows, "We are not done yet!");
    assert_eq!(r.speaker, "Lena Ortiz");
    assert_eq!(r.cue, "tweeted");
}

#[test]
fn seed_boilerplate_produces_nothing() {
    let t = "Kerry told Lavrov on Sept. 5 that aid could lead to a confrontation.\n\n\nPlease enter your comment!\nPlease enter your name here";
    let rows = extract(t);
    assert!(rows.is_empty(), "{rows:#?}");
}

#[test]
fn offsets_are_code_points_and_rows_are_ordered() {
    let t = "Zoë 👋 said: “Héllo wörld, I am here.” Then “Bye now, friends,” she added.";
    let rows = Extractor::new(ExtractOptions::default()).extract("d", t);
    let chars: Vec<char> = t.chars().collect();
    for r in &rows {
        let s: String = chars[r.start..r.end].iter().collect();
        assert_eq!(s, r.quote);
        assert_eq!(r.quote_id, QuoteRecord::make_id("d", r.start, r.end));
    }
    assert!(rows.windows(2).all(|w| w[0].start <= w[1].start));
}

// ---------------------------------------------------------------------------------------------
// One test per sieve and per kind decision, beyond the cases above.
// ---------------------------------------------------------------------------------------------

#[test]
fn rule_names_and_confidence_order() {
    let t = "“We will win,” said Sen. Joe Blake.\n\n“We always do.”\n\n\
Blake called it “a long night for everyone involved in the count.”";
    let rows = extract(t);
    let a = quote(&rows, "We will win");
    let c = quote(&rows, "We always do");
    assert_eq!(a.rule, "adjacent-after");
    assert_eq!(c.rule, "continuation");
    assert_eq!(c.speaker, "Joe Blake");
    assert!(
        a.confidence > c.confidence,
        "{} vs {}",
        a.confidence,
        c.confidence
    );
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.confidence)));
}

#[test]
fn told_subject_not_object() {
    let t = "Gov. Nia Brooks told Mayor Tom Reyes about the budget on Monday. \
“There is no money left,” she said.";
    let rows = extract(t);
    let r = quote(&rows, "There is no money");
    assert_eq!(r.speaker, "Nia Brooks");
    assert_eq!(r.speaker_mention, "she");
}

#[test]
fn split_quote_with_long_appositive() {
    let t = "“The risk,” said Edward Leamer, an economist who is the director of the UCLA \
Anderson Forecast, “is that we are going to be attracting workers.”";
    let rows = extract(t);
    assert_eq!(quote(&rows, "is that we").speaker, "Edward Leamer");
    assert_eq!(quote(&rows, "is that we").rule, "split");
}

#[test]
fn plural_subject_with_base_form() {
    let t = "“It is simply too early to tell,” analysts say.";
    assert_eq!(speaker_of(t, "It is simply"), "analysts");
}

#[test]
fn indirect_speech_is_its_own_kind() {
    let t = "Sen. Joe Blake said that the votes were not there for the bill this year.";
    let rows = extract_all(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].kind, Kind::Indirect);
    assert_eq!(rows[0].speaker, "Joe Blake");
    assert_eq!(
        rows[0].quote,
        "the votes were not there for the bill this year"
    );
    let only_direct = Extractor::new(ExtractOptions {
        kinds: vec![Kind::Direct, Kind::Mixed],
    })
    .extract("doc", t);
    assert!(only_direct.is_empty());
}

#[test]
fn short_fragment_in_a_long_report_becomes_indirect() {
    let t = "Eric Trump said his father's businesses had also provided numerous \"in-kind gifts\" \
of free services and support for his charity over many years.";
    let rows = extract_all(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].kind, Kind::Indirect);
    assert_eq!(rows[0].speaker, "Eric Trump");
    assert!(rows[0].quote.contains("\"in-kind gifts\""));
}

#[test]
fn unattributed_quote_takes_nearest_speaker_with_low_confidence() {
    let t = "“We are ready,” Mayor Lena Ortiz said.\n\nThe council voted on Tuesday.\n\n\
“The bridge will open in the spring and stay open all winter.”";
    let rows = extract(t);
    let r = quote(&rows, "The bridge will open");
    assert_eq!(r.speaker, "Lena Ortiz");
    assert_eq!(r.rule, "nearest-speaker");
    assert!(r.confidence < 0.5);
}

#[test]
fn context_and_mention_offsets_point_into_the_text() {
    let rows = extract(ORTIZ);
    let chars: Vec<char> = ORTIZ.chars().collect();
    for r in &rows {
        let cs = r.context_start.unwrap();
        let ctx: String = chars[cs..cs + r.context.chars().count()].iter().collect();
        assert_eq!(ctx, r.context);
        assert!(r.context.contains(&r.quote));
        let (s, e) = (r.speaker_start.unwrap(), r.speaker_end.unwrap());
        let m: String = chars[s..e].iter().collect();
        assert_eq!(m, r.speaker_mention);
        assert!(!r.candidates.contains(&r.speaker));
    }
}

#[test]
fn dash_attribution() {
    let t = "“Very good reporter, this guy” — Donald Trump, taking a question.";
    let rows = extract(t);
    let r = quote(&rows, "Very good reporter");
    assert_eq!(r.speaker, "Donald Trump");
    assert_eq!(r.cue, "—");
}

#[test]
fn acronym_inside_a_job_title_is_not_a_pronoun() {
    let t = "\"We took the page down within the hour,\" said council IT director Priya Nair.";
    assert_eq!(speaker_of(t, "We took the page"), "Priya Nair");
}

#[test]
fn according_to_with_a_whole_clause_quote_is_direct() {
    let t = "According to Sen. Joe Blake, “the votes simply are not there.” The vote is Friday.";
    let rows = extract(t);
    let r = quote(&rows, "the votes simply");
    assert_eq!(r.kind, Kind::Direct);
    assert_eq!(r.speaker, "Joe Blake");
}

#[test]
fn dismissed_as_is_not_a_speech_report() {
    let t = "The minister dismissed the union's report as “fake news” and left the chamber \
             without taking questions.";
    assert!(extract_all(t).is_empty(), "{:#?}", extract_all(t));
}

#[test]
fn single_quoted_paragraph_in_a_double_quoted_text() {
    let t = "“The pitch is under water,” the groundsman said.\n\n\
             ‘It’s the players’ decision now,’ said coach Sam Ward. The club has postponed the match.";
    let rows = extract(t);
    let r = quote(&rows, "It’s the players’ decision");
    assert_eq!(r.quote, "It’s the players’ decision now,");
    assert_eq!(r.speaker, "Sam Ward");
    assert_eq!(r.kind, Kind::Direct);
}

#[test]
fn indirect_speech_with_the_cue_at_the_sentence_end() {
    let t = "RIVERTON — The Third Street bridge, closed since the March flood, will carry traffic \
             again before the end of winter, city officials said Tuesday.";
    let rows = extract_all(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].kind, Kind::Indirect);
    assert_eq!(rows[0].speaker_mention, "city officials");
    assert!(rows[0].quote.ends_with("before the end of winter"));
}

#[test]
fn indirect_speech_after_capitalised_according_to_and_plural_say() {
    let t = "Marcus Bell runs the agency.\n\nAccording to Bell, the repair will cost $14 million, \
             most of it covered by a state grant. Business owners along the river say they have \
             lost a third of their customers.";
    let rows = extract_all(t);
    let r = quote(&rows, "the repair will cost");
    assert_eq!(r.kind, Kind::Indirect);
    assert_eq!(r.speaker, "Marcus Bell");
    let r = quote(&rows, "they have lost");
    assert_eq!(r.speaker_mention, "Business owners along the river");
}

#[test]
fn candidates_offer_the_people_named_nearby() {
    let t = "Mayor Lena Ortiz and Sen. Joe Blake met Marcus Bell, the engineer, on Monday.\n\n\
             Blake said the money was there. \"We will reopen the bridge by spring,\" said Ortiz.\n\n\
             \"It will not be easy,\" Bell said.";
    let rows = extract_all(t);
    let r = quote(&rows, "We will reopen");
    assert_eq!(r.speaker, "Lena Ortiz");
    assert!(r.candidates.contains(&"Joe Blake".to_string()), "{r:#?}");
    assert!(r.candidates.contains(&"Marcus Bell".to_string()), "{r:#?}");
    for row in &rows {
        assert!(row.candidates.len() <= 5);
        assert!(!row.candidates.contains(&row.speaker), "{row:#?}");
        let mut c = row.candidates.clone();
        c.sort();
        c.dedup();
        assert_eq!(c.len(), row.candidates.len(), "{row:#?}");
    }
    let r = quote(&rows, "It will not be easy");
    assert_eq!(r.speaker, "Marcus Bell");
    assert_eq!(r.candidates.first().map(String::as_str), Some("Lena Ortiz"));
}

#[test]
fn participles_and_days_are_no_speakers() {
    let t = "Appearing before cheering supporters Monday morning, Suu Kyi said she was proud. \
             \"Victory or failure, that is not important,\" she said.";
    let rows = extract(t);
    let r = quote(&rows, "Victory or failure");
    assert_ne!(r.speaker, "Appearing");
    let t = "Priebus later Thursday told Fox News: “Both men are meeting up next week.”";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Both men").speaker, "Priebus");
}

#[test]
fn quote_after_a_comma_without_cue_belongs_to_the_named_subject() {
    let t = "Immediately after the attacks, Donald Trump issued a statement, “Last night, our \
             nation was attacked by a radical terrorist.”";
    let rows = extract(t);
    let r = quote(&rows, "Last night");
    assert_eq!(r.speaker, "Donald Trump");
    assert_eq!(r.rule, "same-clause");
}

#[test]
fn a_cue_form_after_a_possessive_is_a_noun() {
    let t = "The lawmaker, who represents a district in the south, said Trump's remarks \"have \
             had widespread dissemination across the islands.\"";
    let rows = extract(t);
    let r = quote(&rows, "have had widespread");
    assert_eq!(r.speaker, "the lawmaker");
    assert_eq!(r.cue, "said");
}

#[test]
fn an_adverb_now_between_subject_and_cue() {
    let t = "House Republican Thomas Massie now said Trump had “the opportunity and the \
             obligation to bring us together.”";
    let rows = extract(t);
    let r = quote(&rows, "the opportunity");
    assert_eq!(r.speaker, "Thomas Massie");
    assert_eq!(r.cue, "said");
    assert_eq!(r.kind, Kind::Mixed);
}

#[test]
fn a_long_fragment_without_cue_belongs_to_the_sentence_subject() {
    let t = "On Monday, Jeb Bush referred to Marco Rubio as “a bright, charismatic \
             leader with a future,” but questioned his record.";
    let rows = extract(t);
    let r = quote(&rows, "a bright");
    assert_eq!(r.speaker, "Jeb Bush");
    assert_eq!(r.rule, "sentence-subject");
    assert!(r.confidence < 0.5, "low confidence: {}", r.confidence);
    // a short one is still a scare quote
    let t = "Jeb Bush referred to Marco Rubio as a “bright leader” and left.";
    assert!(extract(t).is_empty(), "{:#?}", extract(t));
}

#[test]
fn a_whip_is_a_title() {
    let t = "\"This piece of legislation is shameful,\" said Senate Minority Leader Harry M. Reid.\n\n\
             Senate Majority Whip John Cornyn (R-Tex.) responded by standing on the floor next \
             to a large photo.\n\n\
             \"I'll tell you what shameful is,\" he said.";
    assert_eq!(speaker_of(t, "I'll tell you"), "John Cornyn");
}

#[test]
fn subjects_after_conjunctions_participles_and_before_colons() {
    let t = "Appearing before supporters on Monday, Suu Kyi, 70, said it was too early to \
             congratulate winners but added, \"I think you all have an idea of the results.\"";
    assert_eq!(speaker_of(t, "I think you all"), "Suu Kyi");
    let t =
        "Jeb Bush spoke first.\n\nAnd Mr. Christie gloated: ''I told you he wouldn't be ready.''";
    assert_eq!(speaker_of(t, "I told you"), "Christie");
    let t = "In response, Republican nominee Donald Trump issued the following statement:\n\n\
             “Our prayers are with all those affected by the attacks. This cannot continue.”";
    assert_eq!(speaker_of(t, "Our prayers"), "Donald Trump");
    let t = "Even before Sanders took the stage, his campaign sent a text message to supporters \
             saying: \"With your help, we were just declared the winner in New Hampshire!\"";
    assert_eq!(speaker_of(t, "With your help"), "his campaign");
}

#[test]
fn a_name_after_a_preposition_or_speech_verb_is_no_colon_speaker() {
    let t = "Perez contrasted the Republican candidate with Clinton: \"What I have seen is a \
             steady hand.\"";
    assert_eq!(speaker_of(t, "What I have seen"), "Perez");
    let t = "Sen. Ted Cruz was also critical, telling Breitbart London: “The comments are \
             typical of his administration.”";
    assert_eq!(speaker_of(t, "The comments"), "Ted Cruz");
}

#[test]
fn a_subject_that_speaks_after_its_appositive_is_the_pronouns_antecedent() {
    let t = "“We are changing course,” said Ben Carson.\n\n\
             Armstrong Williams, Carson's longtime friend and adviser, suggested that the \
             candidate was seizing back control. “Dr. Carson is back in charge, and I'm happy to \
             see that,” he told the AP.";
    assert_eq!(speaker_of(t, "Dr. Carson is back"), "Armstrong Williams");
}

#[test]
fn the_object_of_a_locative_preposition_is_not_the_subject() {
    let t = "The sign on the gate read: \"Closed until further notice.\"";
    assert_eq!(speaker_of(t, "Closed until"), "the sign");
    let t = "Councillor Tom Hughes asked: \"Why did nobody notice for six hours?\"";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Why did").speaker, "Tom Hughes");
}

#[test]
fn a_common_word_opening_the_sentence_is_no_speaker() {
    let t = "Back in 1999, Mr. Trump admired the campaign, telling CNBC: \"He was a great \
             campaigner.\" He came back to it later.";
    assert_eq!(speaker_of(t, "He was a great"), "Trump");
    let t = "Late last month, the company wrote a letter to the dean, calling the reports \
             ''inaccurate and deliberately misleading.''";
    assert_eq!(speaker_of(t, "inaccurate"), "the company");
}

#[test]
fn a_surname_that_is_also_a_common_word_still_speaks() {
    // `small` is a common word in this text, but `Marty Small` makes `Small` a surname
    let t = "Council president Marty Small praised the plan for small businesses.\n\n\
             Small, who attended the rally, said that \u{201c}Trump took advantage of the \
             bankruptcy laws to hurt the little people.\u{201d}";
    assert_eq!(speaker_of(t, "Trump took advantage"), "Marty Small");
}

#[test]
fn a_name_before_the_colon_after_a_verb_phrase() {
    let t = "The timing of the surge doesn't surprise Republican pollster Daron Shaw: \
             “Historically, lesser-known candidates rise late.”";
    assert_eq!(speaker_of(t, "Historically"), "Daron Shaw");
}

#[test]
fn a_signature_paragraph_names_the_speaker() {
    let t = "Sanders voted for it.\n\n\"The idea that I would dismantle health care in America \
             is just not accurate.\"\n\n- Sen. Bernie Sanders.\n\nSanders exaggerates.";
    let rows = extract(t);
    let r = quote(&rows, "The idea");
    assert_eq!(r.speaker, "Bernie Sanders");
    assert_eq!(r.rule, "signature");
    // a dash paragraph that says more is no signature
    let t = "\"We will win this state.\"\n\n- Sanders spoke for an hour and left early.";
    assert!(extract(t).iter().all(|r| r.rule != "signature"));
}

/// Regression: the signature rule sliced the text from a quotation's closing position to the end
/// of its paragraph, which panicked when an unclosed quotation ends past the trimmed paragraph
/// (the property test's minimal input was `"said `).
#[test]
fn an_unclosed_quotation_at_the_end_does_not_panic() {
    for t in [
        "\"said ",
        "\"said \n\n- Sanders.",
        "“The first part.\n\n“The second.”\n\n- Sanders.",
    ] {
        extract(t);
    }
}

#[test]
fn long_openers_and_demonstrative_speakers() {
    let t = "In response to Donald Trump's proposal to bar Muslims from entering the United \
             States on Monday, Huma Abedin rallied supporters, saying: “We have to be ready to \
             stop him.”";
    assert_eq!(speaker_of(t, "We have to be ready"), "Huma Abedin");
    let t = "\"In the United States, we have a common interest,\" this Trump look-alike declared \
             in Mexico City.";
    assert_eq!(
        speaker_of(t, "In the United States"),
        "this Trump look-alike"
    );
}

#[test]
fn more_cues_and_quantified_speakers() {
    let t = "One thousand supporters cheered.\n\n“This is fantastic!” beamed Donald Hartley of \
             Madison, who snuck onto the floor.";
    assert_eq!(speaker_of(t, "This is fantastic"), "Donald Hartley");
    let t = "Grayson argued against it.\n\n“It was unseemly,” said one of two witnesses who \
             relayed the same story.";
    assert_eq!(speaker_of(t, "It was unseemly"), "one of two witnesses");
}

#[test]
fn a_speech_verb_after_a_modal_and_adverb() {
    let t = "The scheduling was so odd that a spokesman for Bernie Sanders could only quip: \
             \"I guess Christmas Eve was booked.\"";
    let rows = extract(t);
    let r = quote(&rows, "I guess");
    assert_eq!(r.speaker_mention, "a spokesman for Bernie Sanders");
    assert_eq!(r.cue, "quip");
}

#[test]
fn fragments_of_one_speaker_a_few_words_apart_are_one_row() {
    let t = "Cruz said that America \u{201c}is an idea\u{201d} and that \u{201c}no group owns \
             being an American.\u{201d}";
    let rows = extract(t);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let r = &rows[0];
    assert_eq!(r.kind, Kind::Mixed);
    assert_eq!(
        r.quote,
        "is an idea\u{201d} and that \u{201c}no group owns being an American."
    );
    assert_eq!(r.speaker, "Cruz");
    // a longer stretch between the fragments, or a sentence end, keeps them apart
    let apart = |t: &str, a: &str, b: &str| {
        let rows = extract(t);
        assert!(rows.iter().any(|r| r.quote.contains(b)), "{rows:#?}");
        assert!(
            rows.iter()
                .all(|r| !(r.quote.contains(a) && r.quote.contains(b))),
            "{rows:#?}"
        );
    };
    apart(
        "Cruz said that America \u{201c}is an idea\u{201d} and, speaking in Iowa on a cold \
         night, that \u{201c}no group owns being an American.\u{201d}",
        "is an idea",
        "no group",
    );
    apart(
        "Cruz called the plan \u{201c}a disgrace to the nation.\u{201d} Then he called it \
         \u{201c}a total and complete failure.\u{201d}",
        "a disgrace",
        "a total",
    );
}

/// `…, saying` opens a participle clause whose subject is the sentence's: found when the
/// comma sits inside an earlier quotation's closing mark, when the main verb is no speech verb,
/// and when the subject's forename ends in -ly (`Carly`, not an adverb like `Clearly`).
#[test]
fn participle_cue_takes_the_sentence_subject() {
    let rows = extract(
        "Carly Fiorina endorsed Ted Cruz on Wednesday, saying it is time to have a \
         \u{201c}real constitutional conservative in the White House who will fight.\u{201d}",
    );
    let r = quote(&rows, "real constitutional");
    assert_eq!(r.speaker, "Carly Fiorina");
    assert_eq!(r.cue, "saying");
    let rows = extract(
        "Donald Trump delivered a defense of \u{201c}New York values,\u{201d} saying the city \
         embodied the \u{201c}bravery, heart and soul of America and all of us.\u{201d}",
    );
    let r = quote(&rows, "bravery, heart");
    assert_eq!(r.speaker, "Donald Trump");
    assert_eq!(r.cue, "saying");
}

/// `His spokesman, Jason Miller, said`: a described speaker named in an appositive is that
/// name, before the quotation and after it.
#[test]
fn appositive_name_of_a_described_speaker() {
    let t = "His spokesman, Jason Miller, said the campaign was \u{201c}very confident about \
             the outcome in every state.\u{201d}\n\n\u{201c}Nothing has changed in the plan at \
             all,\u{201d} a campaign aide, Jane Doe, told reporters.\n\nAnother delegate on the \
             Cruz slate, Jim Poolman, said he was only \u{201c}leaning Cruz at the moment, not \
             committed.\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "very confident").speaker, "Jason Miller");
    assert_eq!(quote(&rows, "Nothing has changed").speaker, "Jane Doe");
    assert_eq!(quote(&rows, "leaning Cruz").speaker, "Jim Poolman");
    let t = "One of the authors of that 2013 report, Ari Fleischer, said the nomination will \
             \u{201c}test the validity of our conclusions at last.\u{201d}";
    assert_eq!(speaker_of(t, "test the validity"), "Ari Fleischer");
    // a description without a name stays as written
    assert_eq!(
        speaker_of(
            "\u{201c}Nothing has changed in the plan at all,\u{201d} a campaign aide told \
             reporters.",
            "Nothing has changed"
        ),
        "a campaign aide"
    );
}

/// A quotation ending in `!` or `?` is no sentence end for the attribution after it, even past
/// an appositive; `said of …` reports no speech of its own.
#[test]
fn attribution_after_an_exclamation_reaches_past_an_appositive() {
    let t = "\u{201c}Perpetual motion!\u{201d} Rep. Glenn Thompson, R-Pa., said of the swirl of \
             convention activities.";
    let all = extract_all(t);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].quote, "Perpetual motion!");
    assert_eq!(all[0].speaker, "Glenn Thompson");
}

/// A participle right after a name (`with Sen. John McCain calling it "…"`) or after an
/// auxiliary (`Clinton is telling customers that "…"`) is a cue with that subject; the addressee
/// and adjuncts before `that` are not part of the reported clause.
#[test]
fn progressive_and_absolute_participle_cues() {
    let t = "Hillary Clinton is telling customers at a breakfast spot that \u{201c}I need you \
             tomorrow and every day after that.\u{201d}\n\nRepublicans were irritated, with Sen. \
             John McCain calling it a \u{201c}Chinese menu of options for everyone.\u{201d}\n\n\
             Both men issued a statement \u{2013} Ryan saying he was \u{201c}very encouraged by \
             the whole meeting\u{201d} and Trump calling it a \u{201c}great meeting with a great \
             man.\u{201d}";
    let rows = extract(t);
    let r = quote(&rows, "I need you");
    assert_eq!(
        (r.speaker.as_str(), r.cue.as_str()),
        ("Hillary Clinton", "telling")
    );
    assert_eq!(r.kind, Kind::Mixed);
    assert_eq!(quote(&rows, "Chinese menu").speaker, "John McCain");
    assert_eq!(quote(&rows, "very encouraged").speaker, "Ryan");
    assert_eq!(quote(&rows, "great meeting").speaker, "Trump");
    // a progressive inside a report is not the report's cue
    let t = "Carter said that for decades some critics had been predicting a withdrawal.  \
             \u{201c}That\u{2019}s because this region matters to us and always will.\u{201d}";
    assert_eq!(speaker_of(t, "That\u{2019}s because"), "Carter");
}

/// A name written with combining accents (`Jose\u{301}`, as text from some systems comes) is
/// one name, found and resolved like its precomposed form.
#[test]
fn names_with_combining_accents_are_whole() {
    let t = "\u{201c}Prices rose,\u{201d} said Jose\u{301} Marti\u{301}nez.\n\n\u{201c}Prices \
             rose again,\u{201d} Marti\u{301}nez added.";
    let rows = extract(t);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    for r in &rows {
        assert_eq!(r.speaker, "Jose\u{301} Marti\u{301}nez");
    }
}

/// `as X put it, "…"` names the speaker; after a cue that takes an object (`called X "…"`,
/// `thanked X "…"`) or before a lowercase quotation without a comma (`said the president
/// "offered …"`), the phrase after the cue is not the speaker.
#[test]
fn put_it_and_objects_after_the_cue() {
    let t = "As Akhil Amar, professor of constitutional law at Yale, put it, \u{201c}Senate \
             Republicans should remember that a compromise candidate may be far better.\u{201d}";
    assert_eq!(speaker_of(t, "Senate Republicans"), "Akhil Amar");
    let t = "Sanders thanked its members \u{201c}for their support in my campaign\u{201d} and \
             called National Nurses United \u{201c}one of the sponsors of my campaign and I \
             appreciate that.\u{201d}";
    let rows = extract(t);
    assert!(
        rows.iter()
            .all(|r| r.speaker != "its members" && r.speaker != "National Nurses United"),
        "{rows:#?}"
    );
    let t = "A former candidate said the president \u{201c}offered no changes to his reactive \
             and incremental strategy.\u{201d}";
    let rows = extract(t);
    assert!(
        rows.iter().all(|r| r.speaker != "the president"),
        "{rows:#?}"
    );
}

/// A parenthesis between dashes separates the speaker from the cue: the speaker is the phrase
/// before it, or the name opening it when that phrase only describes.
#[test]
fn dashed_parenthesis_between_speaker_and_cue() {
    let t = "On Friday, Gingrich \u{2014} mentioned by Newsmax as the leading choice for running \
             mate \u{2014} told Bill O\u{2019}Reilly of Fox News that \u{201c}you have to look at \
             it very seriously, of course.\u{201d}";
    assert_eq!(speaker_of(t, "you have to look"), "Gingrich");
    let t = "A former Republican presidential candidate -- John McCain, who lost the 2008 \
             election to Obama -- said the president \u{201c}offered no changes to his reactive, \
             indirect and incremental strategy.\u{201d}";
    assert_eq!(speaker_of(t, "offered no changes"), "John McCain");
}

/// The subject of a participle cue after a quotation is the quotation's speaker, never a word
/// inside the quotation (a sentence break inside it must not make `I` a subject).
#[test]
fn participle_after_a_quotation_takes_its_speaker() {
    let t = "\u{201c}Marco Rubio won tonight and I was very glad to see that. I think we need \
             him back in the Senate,\u{201d} Hannity said during a panel on his show, remarking \
             that while there are \u{201c}still some conservatives angry over comprehensive \
             immigration reform,\u{201d} Rubio already \u{201c}paid a very heavy political \
             price.\u{201d}";
    let rows = extract(t);
    assert!(rows.iter().all(|r| r.speaker_mention != "I"), "{rows:#?}");
    assert_eq!(quote(&rows, "still some").speaker, "Hannity");
}

/// A quoted fragment a few words after an attributed one continues its report, even when a
/// word inside the first (`she`) could pass for a subject; a speaker is never named inside a
/// quotation.
#[test]
fn second_fragment_continues_the_first_report() {
    let t = "Nick Merrill, a spokesman, spoke on Tuesday.\n\nHe added that, \u{201c}she has put \
             forward an ambitious agenda for distressed communities\u{201d} and \u{201c}looks \
             forward to having President Clinton be a part of these efforts.\u{201d}";
    let rows = extract(t);
    let r = rows
        .iter()
        .find(|r| r.quote.contains("looks forward"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(r.speaker, "Nick Merrill");
    assert!(rows.iter().all(|r| r.speaker_mention != "she"), "{rows:#?}");
}

/// Cue words that are no speech here: an adjective after an article (`in a written
/// statement`), an infinitive (`will continue to be`); and a new reporting sentence after a
/// quotation ending in a period is not its attribution (`"…." He also said …`).
#[test]
fn cue_forms_that_report_nothing() {
    let t = "Trump told the Washington Post in a written statement, \u{201c}I really don\u{2019}t \
             want his endorsement, because he is a low-energy person.\u{201d}\n\nIn a statement, \
             Cruz said he\u{2019}s certain Rubio will continue to be \u{201c}a champion for \
             limitless opportunity in America.\u{201d}\n\nChristie bristled at the suggestion, \
             saying, \u{201c}the advice I give to Donald is to Donald.\u{201d} He also said the \
             change won\u{2019}t repel supporters.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "I really").speaker, "Trump");
    assert_eq!(quote(&rows, "a champion").speaker, "Cruz");
    let r = quote(&rows, "the advice");
    assert_eq!((r.speaker.as_str(), r.cue.as_str()), ("Christie", "saying"));
}

/// Scraped text often carries UTF-8 read as Latin-1 (`PeÃ±a`): the name stays whole.
#[test]
fn mojibake_inside_a_name_keeps_it_whole() {
    let t = "\u{201c}We will not pay for the wall,\u{201d} said Mexican President Enrique \
             Pe\u{c3}\u{b1}a Nieto.";
    assert_eq!(
        speaker_of(t, "We will not"),
        "Enrique Pe\u{c3}\u{b1}a Nieto"
    );
    // the same with the `Ã` decomposed (`A` and a combining tilde), as some pages carry it:
    // `±a` is no article `a` before a surname
    let t = "President Enrique Pe\u{41}\u{303}\u{b1}a Nieto met Trump. Later, Pe\u{41}\u{303}\u{b1}a Nieto said \
             that the meeting went well. \u{201c}Mexicans deserve respect,\u{201d} he said.";
    assert_eq!(
        speaker_of(t, "Mexicans deserve"),
        "Enrique Pe\u{41}\u{303}\u{b1}a Nieto"
    );
}

/// A two-word surname is mapped to the fullest name that ends with both words, as a one-word
/// surname is to any longer form.
#[test]
fn two_word_surnames_resolve_to_the_fullest_name() {
    let t = "Rep. Debbie Wasserman Schultz opened the meeting. Later, Wasserman Schultz said: \
             \u{201c}We will win in November.\u{201d}\n\n\u{201c}Not this way,\u{201d} \
             Schultz said.";
    assert_eq!(speaker_of(t, "We will win"), "Debbie Wasserman Schultz");
    assert_eq!(speaker_of(t, "Not this way"), "Debbie Wasserman Schultz");
    // a particle is no forename
    let t = "The far-right leader Marine Le Pen spoke.\n\n\u{201c}I would choose him,\u{201d} \
             said Le Pen.";
    assert_eq!(speaker_of(t, "I would choose"), "Marine Le Pen");
}

/// A name whose head is an organisation word (`Partnership`, `Agreement`, `Coalition`) is no
/// antecedent of `he` or `she`.
#[test]
fn agreements_and_partnerships_are_no_antecedents() {
    let t = "Thousands marched against the Transatlantic Trade and Investment Partnership on \
             Sunday.\n\n\u{201c}It is not going to happen any time soon,\u{201d} he warned.";
    assert_eq!(speaker_of(t, "It is not"), "he");
}

/// A question that a cue and a colon introduce belongs to that speaker, not to the subject of
/// the next sentence.
#[test]
fn a_colon_introduced_question_is_not_attributed_to_the_next_sentence() {
    let t = "Clinton, exasperated, famously responded: \"What difference does it make?\" Her \
             critics cited it as evidence of indifference.";
    assert_eq!(speaker_of(t, "What difference"), "Clinton");
    // without the colon, a name after the question is still its speaker
    let t = "Reporters kept asking. \"Why now?\" Trump asked the crowd.";
    assert_eq!(speaker_of(t, "Why now"), "Trump");
}

/// The second part of a report may open a new sentence after a long appositive; a new
/// sentence with a cue of its own is a new report, though.
#[test]
fn second_part_after_a_long_appositive_and_a_sentence_end() {
    let t = "\u{201c}It's an enormous moment,\u{201d} said Steve Schmidt, a top Republican \
             strategist on John McCain's presidential campaign in 2008 and George W Bush's in \
             2004. Unless further rivals immediately quit the race, \u{201c}it's very difficult \
             to see how he is stopped on his way to the nomination.\u{201d}";
    assert_eq!(speaker_of(t, "it's very difficult"), "Steve Schmidt");
    let t = "\"Hey, hey! Rahm Emanuel's got to go!\" some protesters chanted, three days after \
             the video's release, on Black Friday, as they marched down Michigan Avenue. Others, \
             reacting to the gap between the shooting and the video's release, shouted, \
             \"Stop the coverup!\"";
    assert!(
        !extract(t)
            .iter()
            .any(|r| r.quote.starts_with("Stop") && r.speaker == "some protesters")
    );
}

/// Forenames beyond the extractor's own lists (census data) give a person's sex, so `he` is
/// not resolved to a woman the document names only by her forename and surname, and a
/// sentence-opening forename is part of the fullest name.
#[test]
fn census_forenames_give_the_sex_and_the_fullest_name() {
    let t = "Cecile Richards spoke first at the rally in Ohio.\n\n\
             \u{201c}We will win this state,\u{201d} he said.";
    assert_eq!(speaker_of(t, "We will win"), "he");
    let t = "Sebastian Gorka spoke first. The crowd listened.\n\n\
             \u{201c}We will win this state,\u{201d} Gorka said.";
    assert_eq!(speaker_of(t, "We will win"), "Sebastian Gorka");
}

/// A capitalised compound adjective (`Korean-born`, `Texas-based`) describes a person and is
/// no part of the name.
#[test]
fn compound_adjectives_are_no_part_of_a_name() {
    let t = "The judge ruled against Korean-born Monte Haines in 2012.\n\n\
             \u{201c}I was, like, shocked,\u{201d} said Haines, 44.";
    assert_eq!(speaker_of(t, "I was, like"), "Monte Haines");
    let t = "\u{201c}It is over,\u{201d} said Texas-based strategist Matt Mackowiak.";
    assert_eq!(speaker_of(t, "It is over"), "Matt Mackowiak");
}

/// `the Obama administration`: a name before an organisation noun is part of that mention;
/// before another noun (`the Clinton hearing`) it is no mention of its own.
#[test]
fn a_name_modifying_a_noun_is_no_mention_of_its_own() {
    let t = "The newspaper writes that the system is broken under the Obama administration.\n\n\
             \u{201c}The attacks show that many oppose any immigrants,\u{201d} they conclude.";
    assert_ne!(speaker_of(t, "The attacks"), "the Obama");
    let t = "The panel has kept a low profile since the Clinton hearing in November.\n\n\
             \u{201c}So far, 59 of the 75 witnesses were new,\u{201d} it said.";
    assert_ne!(speaker_of(t, "So far"), "the Clinton");
}

/// `actress`, `comedian`, `rapper` before a name are titles, stripped like `Sen.`.
#[test]
fn entertainment_titles_are_stripped() {
    let t = "\u{201c}I will vote for him,\u{201d} said Comedian Sarah Silverman.";
    assert_eq!(speaker_of(t, "I will vote"), "Sarah Silverman");
    let t = "\u{201c}I will not,\u{201d} actress Rosario Dawson said.";
    assert_eq!(speaker_of(t, "I will not"), "Rosario Dawson");
}

/// A name of unknown gender after a preposition of place (`in Palo Alto`, `at Chez Vachon`) is
/// no antecedent for `he` or `she`.
#[test]
fn places_are_no_antecedents_of_he_or_she() {
    let t = "One voter asked Sen. Sanders about deportations. He told a story about his visit \
             to a park in Palo Alto.\n\n\u{201c}Anyone been there?\u{201d} he asked.";
    assert_ne!(speaker_of(t, "Anyone been"), "Palo Alto");
}

/// An inch mark right before the real closing mark (`he's like 6'2",”`) does not close the
/// quotation, so the attribution after it is found.
#[test]
fn inch_mark_before_the_closing_mark() {
    let t = "\u{201c}I admit, he\u{2019}s taller than me; he\u{2019}s like 6\u{2019}2\u{201d},\
             \u{201d} Rubio said Sunday in Virginia.";
    let rows = extract(t);
    let r = quote(&rows, "I admit");
    assert!(r.quote.ends_with("6\u{2019}2\u{201d},"), "{r:#?}");
    assert_eq!(r.speaker, "Rubio");
}

/// Speakers named by what they are (`a young boy`, `his childhood friend`), by a forename in an
/// appositive (`Schilling's son, Grant,`), as the agent of a passive (`was asked by host Bill
/// Maher`), and with `went on` as the cue.
#[test]
fn more_ways_to_name_a_speaker() {
    let t = "Early one evening, River Avenue Skate Park was loud, when a young boy shouted, \
             \u{201c}Come here right now, all of you!\u{201d}\n\n\
             Schilling\u{2019}s son, Grant, defended his father, saying: \u{201c}He is not the \
             most well informed, but he is a good man.\u{201d}\n\n\
             Sanders was asked by host Bill Maher, who is supporting Sanders, \u{201c}Now, were \
             you tired of hearing about it?\u{201d}\n\n\
             Kelly responded with a smile: \u{201c}Can happen when you\u{2019}re 45.\u{201d} She is \
             45.\n\n\u{201c}You know, it happens, right?\u{201d} Trump went on, as if he didn\u{2019}t \
             hear her.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Come here").speaker, "a young boy");
    assert_eq!(quote(&rows, "He is not").speaker, "Grant");
    assert_eq!(quote(&rows, "Now, were").speaker, "Bill Maher");
    let r = quote(&rows, "You know");
    assert_eq!((r.speaker.as_str(), r.cue.as_str()), ("Trump", "went on"));
}

/// The subject of a sentence behind a dateline (`WASHINGTON, Dec. 8 (UPI) — …`), one adverb
/// (`And then Trump went …`) or an opening adverbial before a pronoun (`On Friday, he …`).
#[test]
fn sentence_subjects_behind_datelines_and_adverbs() {
    let t = "WASHINGTON, Dec. 8 (UPI) \u{2014} Hillary Clinton rallied supporters, saying: \
             \u{201c}We have to be ready to stop him.\u{201d}\n\nAnd then Trump went fully on \
             the attack, saying, \u{201c}Is he going to finally mention the words?\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "We have to").speaker, "Hillary Clinton");
    assert_eq!(quote(&rows, "Is he going").speaker, "Trump");
}

/// A headline followed by its byline (news round-ups) is a title, not a quotation; a quoted
/// word followed by `by` and a name inside a sentence is not a byline.
#[test]
fn headlines_with_bylines_are_titles() {
    let t = "FAREWELL\u{2014}\u{201c}The Living Room to close at the end of December,\u{201d} by \
             Times\u{2019} Ben Sisario: a nightclub closes.\n\nHe said Trump was \u{201c}anointed\
             \u{201d} by God and \u{201c}a man who was raised for this moment in history.\u{201d}";
    let rows = extract(t);
    assert!(
        rows.iter().all(|r| !r.quote.contains("Living Room")),
        "{rows:#?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.quote.contains("a man who was raised")),
        "{rows:#?}"
    );
}

/// `"…," said X, adding that "…"`: the participle's subject is the inverted speaker; survey
/// shares speak for their respondents (`21 percent said "not too likely"`); behind an opening
/// participle clause with commas of its own, the subject is the phrase its verb follows.
#[test]
fn inverted_speakers_shares_and_subjects_after_commas() {
    let t = "\u{201c}It\u{2019}s not new in Virginia,\u{201d} said Rep. Bobby Scott at the time, \
             adding that \u{201c}we\u{2019}ve been electing African-Americans to office for a \
             long time.\u{201d}\n\nAsked how likely Clinton was to win, 21 percent said \u{201c}not \
             too likely\u{201d} and 14 percent said \u{201c}not at all likely.\u{201d}\n\nSpeaking \
             at a town hall in Salem, New Hampshire, Trump went after Bush, saying: \u{201c}He is \
             a total stiff and everybody knows it.\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "we\u{2019}ve been").speaker, "Bobby Scott");
    assert_eq!(quote(&rows, "not too likely").speaker, "21 percent");
    assert_eq!(quote(&rows, "He is a total").speaker, "Trump");
}

/// After a quotation, the phrase after a cue that takes an object (`thanked Obama`, `called
/// him`) is no inverted speaker.
#[test]
fn no_inverted_speaker_after_object_taking_cues() {
    let t = "Washington, star of television\u{2019}s \u{201c}Scandal,\u{201d} thanked Obama for \
             \u{201c}taking these steps to make us all safer.\u{201d}";
    let all = extract_all(t);
    assert!(all.iter().all(|r| r.speaker != "Obama"), "{all:#?}");
    let t = "\u{201c}We will win this state,\u{201d} said Jane Doe.";
    assert_eq!(speaker_of(t, "We will win"), "Jane Doe");
}

/// A day ending a described speaker (`a campaign TV ad released Thursday`) is not the speaker's
/// name (and the past form after the head noun ends the phrase); `22 Clinton emails` is a noun
/// phrase, not `Clinton` reporting.
#[test]
fn days_and_plural_noun_cues_name_nobody() {
    let t = "A campaign TV ad released Thursday accuses Trump of buying influence \u{201c}in a \
             pattern of sleaze stretching back decades.\u{201d}\n\nThe State Department has said \
             that it has classified 22 Clinton emails as \u{201c}top secret\u{201d} and will not \
             release those emails.";
    let all = extract_all(t);
    assert!(
        all.iter()
            .all(|r| r.speaker != "Thursday" && r.speaker != "Clinton"),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|r| r.speaker == "a campaign TV ad"),
        "{all:#?}"
    );
}

/// A lone capitalised word opening its sentence before a lowercase noun (`Good information`,
/// `Partial transcript`) is an adjective, no speaker; a possessive name is still a name.
#[test]
fn sentence_opening_adjectives_are_no_speakers() {
    let t = "Good information can still drive out bad, but usually only when \u{201c}the truth \
             is sexier than the lie and everyone can see it.\u{201d}";
    let all = extract_all(t);
    assert!(all.iter().all(|r| r.speaker != "Good"), "{all:#?}");
    let t = "Marco Rubio ran against Crist.\n\nRubio\u{2019}s catch phrase in that election was \
             that Crist \u{201c}would say or do anything to win an election.\u{201d}";
    assert_eq!(speaker_of(t, "would say"), "Marco Rubio");
}

/// A party tag between a politician's name and an appositive (`Sen. Lindsey Graham, R-S.C., a
/// candidate, said`) is skipped: the speaker is the name.
#[test]
fn party_tags_before_an_appositive() {
    let t = "Sen. Lindsey Graham, R-S.C., a long-shot presidential candidate, said \u{201c}we \
             are losing this war badly and everyone knows it.\u{201d}";
    assert_eq!(speaker_of(t, "we are losing"), "Lindsey Graham");
}

/// `retaliated` and `vented` report speech.
#[test]
fn retaliated_and_vented_are_cues() {
    let t = "Trump said France had lost its identity. \u{201c}France will always be France,\u{201d} \
             an angry Hollande retaliated.";
    let rows = extract(t);
    let r = quote(&rows, "France will always");
    assert_eq!(
        (r.speaker.as_str(), r.cue.as_str()),
        ("Hollande", "retaliated")
    );
}

/// A number with thousands commas is one word (`She greeted 2,000 supporters … and told them
/// that "…"`); a comma after a party tag closes no appositive (`Gov. John Kasich (R-OH),
/// said`); adverbs may stand between a name and its participle (`with Cruz recently
/// promising to "…"`).
#[test]
fn thousands_party_parentheses_and_adverbs() {
    let t = "She greeted 2,000 supporters at a rally in Houston and told them that they would \
             \u{201c}build ladders of opportunity for every American family.\u{201d}\n\nTuesday \
             in Berea, OH, after winning Ohio, Gov. John Kasich (R-OH), said, \u{201c}I am \
             getting ready to rent a covered wagon.\u{201d}\n\nCruz and Trump have used the most \
             aggressive language, with Cruz recently promising to \u{201c}carpet bomb them into \
             oblivion.\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "build ladders").speaker_mention, "She");
    assert_eq!(quote(&rows, "I am getting").speaker, "John Kasich");
    assert_eq!(quote(&rows, "carpet bomb").speaker, "Cruz");
}

/// A described person with an affiliation speaks for themselves: the speaker is the whole
/// description, not the institution.
#[test]
fn affiliated_descriptions_are_not_their_institution() {
    let t = "\u{201c}It is old news for everyone here,\u{201d} said a professor at Harvard \
             University.";
    assert_eq!(
        speaker_of(t, "It is old"),
        "a professor at Harvard University"
    );
}

/// A capitalised function word inside a run of names (`CBS This Morning co-anchor DeMarco
/// Morgan said`) does not cut the speaker phrase.
#[test]
fn programme_names_inside_a_speaker_phrase() {
    let t = "\u{201c}But that was the first time in a long time, senator,\u{201d} CBS This \
             Morning co-anchor DeMarco Morgan said.";
    assert_eq!(speaker_of(t, "But that was"), "DeMarco Morgan");
}

/// A source introduced before a colon (`From the report:`, `More from Jones:`, `Here's Clinton
/// in December 1992:`) and the subject of a passive before `to say` (`Mr. Trump was prompted
/// to say`).
#[test]
fn sources_before_a_colon_and_passives_before_to_say() {
    let t = "From the report: \u{201c}In general, samples with more elaborate procedures \
             produced more accurate results.\u{201d}\n\nWhat it means - More from Jones: \u{201c}The \
             partisanship of the state population is a starting point.\u{201d}\n\nHere\u{2019}s \
             Clinton in December 1992: \u{201c}Our new direction must rest on the new \
             realities.\u{201d}\n\nThe debate was so subdued that Mr. Trump was prompted to say, \
             \u{201c}So far, I cannot believe how civil it has been up here.\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "In general").speaker, "the report");
    assert_eq!(quote(&rows, "The partisanship").speaker, "Jones");
    assert_eq!(quote(&rows, "Our new direction").speaker, "Clinton");
    assert_eq!(quote(&rows, "So far").speaker, "Trump");
}

/// The owner of the words before a quotation (`after Clinton's March comment that, "…"`, `in
/// Forbes' words, "…"`) is the speaker; directly before the quotation such a phrase is its
/// subject instead (`saying Trump's comments "are based on his opinion"`).
#[test]
fn owners_of_words_before_a_quotation() {
    let t = "The union is unlikely to endorse after Clinton\u{2019}s March comment that, \u{201c}We \
             are going to put a lot of coal companies out of business.\u{201d}";
    assert_eq!(speaker_of(t, "We are going"), "Clinton");
    let t = "The town released a statement Wednesday saying Trump\u{2019}s comments \u{201c}are \
             based on his opinion, not actual facts,\u{201d} and welcomed him.";
    let all = extract_all(t);
    assert!(all.iter().all(|r| r.speaker != "Trump"), "{all:#?}");
}

/// A name after a speech verb and before an auxiliary is the subject of the reported clause,
/// not an inverted speaker (`Earnest said Obama has kept …`), so a later `he said` goes to the
/// one who spoke.
#[test]
fn a_reported_subject_is_no_inverted_speaker() {
    let t = "President Barack Obama opened a fence-mending mission on Wednesday.\n\n\
             In New York, Obama was raising money for Democrats.\n\n\
             White House spokesman Josh Earnest said Obama has deliberately kept in close touch \
             with his supporters.\n\n\
             \u{201c}I would think that would have some influence on those voters,\u{201d} he \
             said.";
    assert_eq!(speaker_of(t, "I would think"), "Josh Earnest");
}

/// A described speaker with a complement (`A source familiar with the matter`, `An official
/// close to Governor Christie`, `One aide traveling with Trump`) is the whole described phrase,
/// not the name in its complement; a leading determiner is lowercased like `the` and `a`.
#[test]
fn described_speakers_with_a_complement() {
    let t = "A source familiar with the matter said, \"We are done here.\"\n\n\
             Another intelligence source speaking to Fox News said, \"The agents are \
             investigating.\"\n\n\
             An official close to Governor Christie said, \"He will not run.\"\n\n\
             One aide traveling with Trump told reporters, \"It is over.\"";
    let rows = extract(t);
    assert_eq!(
        quote(&rows, "We are done").speaker,
        "a source familiar with the matter"
    );
    assert_eq!(
        quote(&rows, "The agents").speaker,
        "another intelligence source speaking to Fox News"
    );
    assert_eq!(
        quote(&rows, "He will not").speaker,
        "an official close to Governor Christie"
    );
    assert_eq!(
        quote(&rows, "It is over").speaker,
        "one aide traveling with Trump"
    );
}

/// A quotation opening the paragraph after a report goes to the report's main clause, not to a
/// cue verb deep in a subordinate clause (`even those who did so before the campaign began`).
#[test]
fn the_previous_report_is_its_main_clause() {
    let t = "Douglas Schoen is a pollster.\n\n\
             Schoen elaborated in an editorial piece for The Wall Street Journal that \
             superdelegates pledged to Clinton, even those who did so before the campaign began, \
             may reconsider.\n\n\
             \u{201c}A Sanders win in California would powerfully underscore Mrs. Clinton\u{2019}s \
             weakness as a candidate.\u{201d}";
    assert_eq!(speaker_of(t, "A Sanders win"), "Douglas Schoen");
}

/// A pronoun after a report goes to the reporter, not to a person inside the report
/// (`Madison recalled that before Iowa, Obama wasn't treated …` → `he said` is Madison) — but a
/// leading subordinate clause is no report of the main clause's subject (`When Maddow pointed
/// out …, Clinton seized upon it` → `she said` is Clinton).
#[test]
fn a_pronoun_goes_to_the_reporter_not_the_reported() {
    let t = "Barack Obama won Iowa in 2008.\n\n\
             Joe Madison, a radio host, recalled in 2008 that before Iowa, Obama wasn\u{2019}t \
             treated as credibly by his listeners.\n\n\
             \u{201c}I hate to put it that way, but I\u{2019}m certain that\u{2019}s how folks \
             looked at it,\u{201d} he said.";
    assert_eq!(speaker_of(t, "I hate to put"), "Joe Madison");
    let t = "\u{201c}We need evidence-based policies,\u{201d} Hillary Clinton told Rachel \
             Maddow.\n\n\
             When Maddow pointed out that Sanders refers to it as \u{201c}Medicare for \
             all,\u{201d} Clinton seized upon the reference, repeating her line that the plan \
             would hurt. \u{201c}Medicare for all is not the same if \
             you\u{2019}re turning it over to the states,\u{201d} she said.";
    assert_eq!(speaker_of(t, "Medicare for all is"), "Hillary Clinton");
}

/// `Mr. Slinker, whose latest start-up, Paradata, uses big data, said …: "Q"`: the commas of a
/// relative clause open no appositive, and a name after `of` before the colon is no source.
#[test]
fn relative_clauses_with_commas_and_names_after_of() {
    let t = "Scott Slinker builds companies.\n\n\
             Mr. Slinker, whose latest start-up, Paradata, uses big data to help brands find \
             suppliers, said Mr. Trump was a candidate very much in the spirit of Silicon Valley: \
             \u{201c}He is a start-up kind of guy. He has a lot of ideas.\u{201d}";
    assert_eq!(speaker_of(t, "He is a start-up"), "Scott Slinker");
}

/// `May` after a forename or a title is a surname, not the month or the modal (`Theresa May
/// said`, `Mrs May replied`); `In May, Trump said` keeps the month out of the name.
#[test]
fn may_as_a_surname() {
    let t = "Theresa May said: 'We will not set out our position before we are ready.'\n\n\
             Asked whether it worried her, Mrs May replied: 'No, it does not.'\n\n\
             In May, Trump said: 'We will build it, believe me.'";
    let rows = extract(t);
    assert_eq!(quote(&rows, "We will not").speaker, "Theresa May");
    assert_eq!(quote(&rows, "No, it does").speaker, "Theresa May");
    assert_eq!(quote(&rows, "No, it does").speaker_mention, "Mrs May");
    assert_eq!(quote(&rows, "We will build").speaker, "Trump");
}

/// `'Q,' Mr Barrow said, adding that markets 'hate uncertainty'`: a short fragment in the
/// clause that a speech participle and `that` open after the previous part is a quotation of
/// the same speaker, not a scare quote.
#[test]
fn a_fragment_after_adding_that() {
    let t = "The Chancellor, Philip Barrow, struck a different tone. 'We need to be careful,' Mr \
             Barrow said, adding that markets 'hate uncertainty'.";
    let rows = extract(t);
    let r = quote(&rows, "hate uncertainty");
    assert_eq!(r.kind, Kind::Mixed);
    assert_eq!(r.speaker, "Philip Barrow");
}

/// A described person who spoke (`the mayor`, `the woman`) is the antecedent of a later `she`
/// when no named person fits; a name that fits still comes first.
#[test]
fn a_described_speaker_as_the_last_resort_antecedent() {
    let t = "\u{201c}We are ready for the storm,\u{201d} the mayor said on Monday.\n\n\
             Officials met again on Tuesday.\n\n\
             \u{201c}Nobody will be left behind,\u{201d} she added.";
    assert_eq!(speaker_of(t, "Nobody will"), "the mayor");
    let t = "Barack Obama spoke in Denver.\n\n\
             \u{201c}We are not done,\u{201d} the two-term president said.\n\n\
             \u{201c}Not yet,\u{201d} he added.";
    assert_eq!(speaker_of(t, "Not yet"), "Barack Obama");
}

/// `under what Mr. Hedge called ''the prior economy model,'' the club charged …`: a naming verb
/// right before the quotation owns it, even when the quotation ends in a comma and another
/// report follows; the row stays the quoted name.
#[test]
fn a_naming_verb_right_before_owns_the_quotation() {
    let t = "Oliver K. Hedge runs golf courses.\n\n\
             In 2009, under what Mr. Hedge called ''the prior economy model,'' the Marsh Landing \
             Country Club, a private course in Florida, charged a $100,000 initiation fee.";
    let rows = extract_all(t);
    let r = quote(&rows, "the prior economy model");
    assert_eq!(r.speaker, "Oliver K. Hedge");
    assert_eq!(r.kind, Kind::Mixed);
}

/// `Giovanni Maria Vian, the editor in chief of the Vatican's newspaper, L'Osservatore Romano,
/// said`: a description with a name of its own at the end is not the speaker; the name before
/// the description is.
#[test]
fn the_name_before_a_long_description() {
    let t = "Giovanni Maria Vian, the editor in chief of the Vatican's official newspaper, \
             L'Osservatore Romano, said every pope was ''both religious and political.''\n\n\
             Just last week, J.J. Goldberg, editor at large of The Forward, wrote: ''It is not \
             the same thing at all.''";
    let rows = extract_all(t);
    assert_eq!(
        quote(&rows, "both religious").speaker,
        "Giovanni Maria Vian"
    );
    assert_eq!(quote(&rows, "It is not the same").speaker, "J.J. Goldberg");
}

/// A line break between a word and a lowercase word only wraps the line (`Nobody saw it\r\n
/// coming`): the quotation goes on, with CRLF as with LF; a blank line still ends a paragraph.
#[test]
fn a_wrapped_line_does_not_end_a_quotation() {
    for nl in ["\n", "\r\n"] {
        let t = format!(
            "\u{201c}We will reopen the bridge,\u{201d} said Mayor Lena Ortiz.{nl}{nl}The council \
             met.{nl}{nl}\u{201c}Nobody saw it{nl}coming,\u{201d} Ortiz said."
        );
        let rows = extract(&t);
        let r = quote(&rows, "Nobody saw it");
        assert_eq!(r.quote, format!("Nobody saw it{nl}coming,"));
        assert_eq!(r.speaker, "Lena Ortiz");
        assert_eq!(r.rule, "adjacent-after");
    }
}

/// A quotation that ends with a nested question (`… what can we do to help?’”`) ends in `?`
/// for the attribution after it, as one without the nested marks does.
#[test]
fn a_nested_question_at_the_end_of_a_quotation() {
    let t = "Karen Weaver is the mayor of Flint.\n\n\
             \u{201c}When this came about and [Clinton] read about it, her immediate response has \
             been, \u{2018}Let\u{2019}s see what\u{2019}s going on, and what can we do to \
             help?\u{2019}\u{201d} Renteria told reporters during Tuesday\u{2019}s conference \
             call.";
    assert_eq!(speaker_of(t, "When this came"), "Renteria");
}

/// `Clinton's top aide rallied supporters, saying: "…"`: a past form after the head noun is the
/// verb, not part of the speaker (`a campaign TV ad released Thursday` → `a campaign TV ad`).
#[test]
fn a_past_form_after_the_head_noun_ends_the_speaker() {
    let t = "In response to the proposal, Hillary Clinton\u{2019}s right-hand woman rallied \
             supporters, saying: \u{201c}We have to be ready to stop him.\u{201d}";
    assert_eq!(
        speaker_of(t, "We have to be ready"),
        "Hillary Clinton\u{2019}s right-hand woman"
    );
    let t = "The top aide rallied supporters, saying: \u{201c}We have to be ready.\u{201d}";
    assert_eq!(speaker_of(t, "We have to be ready"), "the top aide");
}

/// `"…," read one.`, `said another.`: a bare `one` or `another` after the cue is the speaker
/// as written, not an earlier source.
#[test]
fn a_bare_one_after_the_cue() {
    let t = "CNN reported that six planes filled the skies with messages.\n\n\
             \u{201c}America is great! Trump is disgusting,\u{201d} read one.\n\n\
             \u{201c}We are leaving,\u{201d} said one. \u{201c}Not me,\u{201d} said another.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "America is great").speaker, "one");
    assert_eq!(quote(&rows, "We are leaving").speaker, "one");
    assert_eq!(quote(&rows, "Not me").speaker, "another");
}

/// The same with German marks: `… ›What now?‹«` ends in `?` too.
#[test]
fn a_nested_question_in_german_marks() {
    let t = "Karen Weaver is the mayor of Flint.\n\n\
             \u{bb}Her first answer was, \u{203a}What can we do to help?\u{2039}\u{ab} Renteria \
             told reporters during Tuesday\u{2019}s conference call.";
    assert_eq!(speaker_of(t, "Her first answer"), "Renteria");
}

/// `"…," the committee chairmen wrote`: an organisation noun and a plural head make one
/// described speaker after the quotation (the head is no verb when the cue follows it).
#[test]
fn an_organisation_noun_before_a_plural_head() {
    let t = "James Comey testified last week.\n\n\
             \u{201c}The evidence appears to contradict her sworn testimony,\u{201d} the committee \
             chairmen wrote.";
    assert_eq!(
        speaker_of(t, "The evidence appears"),
        "the committee chairmen"
    );
}

/// `Jan` and `Jun` without a period are names (`Jan Brewer`, `Ai Jun`), not months; `Jan. 5`
/// still is a date.
#[test]
fn jan_and_jun_without_a_period_are_names() {
    let t = "Chinese columnist Ai Jun criticised Trump.\n\n\
             \u{201c}The Chinese people also have had enough of U.S. politics,\u{201d} Jun \
             wrote.\n\n\u{201c}We are done,\u{201d} said Jan Brewer on Jan. 5.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "The Chinese people").speaker, "Ai Jun");
    assert_eq!(quote(&rows, "We are done").speaker, "Jan Brewer");
}

/// `"…," Fight for $15 organizing director Kendall Fells told …`: a description with a number
/// and a preposition in it still ends in the speaker's name before the cue (was the source of
/// the paragraph before).
#[test]
fn a_long_description_before_a_name_and_the_cue() {
    let t = "The movement plans to protest the debate, the Daily Caller reports.\n\n\
             \u{201c}They have to decide whether to feed themselves,\u{201d} Fight for $15 \
             organizing director Kendall Fells told Fox News 6 in Milwaukee. \u{201c}They care \
             about two things.\u{201d}";
    let rows = extract(t);
    assert_eq!(quote(&rows, "They have to decide").speaker, "Kendall Fells");
    assert_eq!(quote(&rows, "They care").speaker, "Kendall Fells");
}

/// `said the woman, who did not want to be quoted by name`: an unnamed man or woman who spoke
/// is the antecedent of a later `she` even when a name of the same sex came before (was
/// `Donna Lages`).
#[test]
fn an_unnamed_woman_who_spoke_keeps_her_pronoun() {
    let t = "\"This is little Fort Pierce!\" said Donna Lages, a waitress.\n\n\
             At a drugstore, a cashier was shaken. \"One guy came in and said it,\" said the \
             woman, who did not want to be quoted by name. \"Too much hate,\" she said.";
    assert_eq!(speaker_of(t, "Too much hate"), "the woman");
}

/// An unknown forename opening a paragraph introduces the person (`Florent Groberg is …`): a
/// later `Groberg` is `Florent Groberg`, and a later `he` can be him. A word a list knows, or
/// one shaped like an inflected common word, is no forename there (`Maybe Trump`,
/// `Backing Clinton`).
#[test]
fn an_unknown_forename_opening_a_paragraph() {
    let t = "Medal Of Honor Winner Opens Up About Backing Clinton.\n\n\
             Florent Groberg is a former U.S. Army captain.\n\n\
             Groberg, 33, opened up about his decision.\n\n\
             Groberg then went on to explain what he likes about Hillary Clinton.\n\n\
             \"She has experience,\" he said.\n\n\
             Maybe Trump knows it. \"I do,\" Trump said.";
    let rows = extract(t);
    assert_eq!(
        quote(&rows, "She has experience").speaker,
        "Florent Groberg"
    );
    assert_eq!(quote(&rows, "I do").speaker, "Trump");
}

/// A forename on its own (`his wife, Jane,`, `Her father, Brad, 39,`) is a person of the
/// forename's sex when no longer form of it is in the document; a forename that the document
/// also writes with one surname gets it (`Freddy` → `Freddy Trump`). A place before a noun is
/// no antecedent (`Sanford police officer Timothy Smith`).
#[test]
fn a_lone_forename_is_an_antecedent() {
    let t = "On CNN Tuesday, his wife, Jane, called for an open primary process. \
             \"Shutting people out is not smart,\" she said.\n\n\
             Aubrey Pelletier hoisted a sign. Her father, Brad, 39, worried about votes.\n\n\
             \"People are afraid,\" he surmised.\n\n\
             Freddy Trump died young.\n\nLater, Freddy left. \"I am done,\" he said.\n\n\
             George Zimmerman sold the gun. Sanford police officer Timothy Smith held it up. \
             \"It works,\" he added.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Shutting people out").speaker, "Jane");
    assert_eq!(quote(&rows, "People are afraid").speaker, "Brad");
    assert_eq!(quote(&rows, "I am done").speaker, "Freddy Trump");
    assert_ne!(quote(&rows, "It works").speaker, "Sanford");
}

/// The subject that opens the pronoun's paragraph is its topic, ahead of a speaker of the
/// paragraphs before; a name in commas after a short phrase opening the sentence (`His
/// daughter, Mira, 12,`) is that subject.
#[test]
fn the_subject_opening_the_paragraph_is_the_pronouns_topic() {
    let t = "\"She promised us the park would stay,\" said the woman, who did not want to be \
             named. \"Now look at it,\" she said.\n\n\
             His daughter, Mira, 12, carried a sign she had painted herself. \"I want to play \
             here when I'm old,\" she said.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Now look at it").speaker, "the woman");
    assert_eq!(quote(&rows, "I want to play").speaker, "Mira");
}

/// A forename on its own that the document also gives with one surname is that person, as a
/// speaker (`Later, Desmond said:`) and as a pronoun's antecedent (`Megyn was incredulous.`).
#[test]
fn a_forename_takes_its_one_surname() {
    let t = "Desmond Hale, the developer's spokesman, spoke first. Later, Desmond said: \
             \"Nobody is closing the park.\"\n\n\
             I told Megyn Kelly about the sentence. The prosecutor, Carrie Cohen, looked crushed.\n\n\
             Megyn was incredulous. \"Only you,\" she said.";
    let rows = extract(t);
    assert_eq!(quote(&rows, "Nobody is closing").speaker, "Desmond Hale");
    assert_eq!(quote(&rows, "Only you").speaker, "Megyn Kelly");
}

/// `said little during the speeches` reports no clause: no indirect row.
#[test]
fn said_little_is_no_report() {
    let t = "Wrenfield, 71, said little during the long speeches of the afternoon.";
    assert!(extract_all(t).iter().all(|r| r.kind != Kind::Indirect));
}

/// `(See Sexton's full timeline below.)` and `Outside Carrier's plant`: an imperative or a
/// preposition opening a sentence is no forename (were `See Sexton`, `Outside Carrier`).
#[test]
fn see_and_outside_are_no_forenames() {
    let t = "The writer Jared Sexton teaches in Georgia.\n(See Sexton\u{2019}s full timeline of \
             the rally below.)\n\u{201c}I can understand why,\u{201d} Sexton said.";
    assert_eq!(speaker_of(t, "I can understand"), "Jared Sexton");
    let t = "Carrier moved its plant to Mexico.\n\n\
             Outside Carrier\u{2019}s plant, a worker named Antonio Arroyo has nothing but \
             positive things to say. \u{201c}The atmosphere is relaxed,\u{201d} he said.";
    assert_eq!(speaker_of(t, "The atmosphere"), "Antonio Arroyo");
}

/// Role words and plural titles before a name are not part of its longer form, and a leading
/// `Journalist` is a title: `Senators Rubio and Cruz`, `Chief of Staff Denis McDonough`,
/// `Journalist Jorge Ramos`, and the participle of a heading (`Celebrating Clinton`).
#[test]
fn roles_and_plural_titles_are_not_forenames() {
    let t = "Senators Rubio and Cruz voted no.\n\n\"We will win,\" Rubio said.";
    assert_eq!(speaker_of(t, "We will win"), "Rubio");
    let t = "White House Chief of Staff Denis McDonough wrote to officials.\n\n\
             \"Thanks for the great work,\" McDonough wrote.";
    assert_eq!(speaker_of(t, "Thanks for the great"), "Denis McDonough");
    let t = "Journalist Jorge Ramos corrected the candidate, saying \"they are not criminals.\"";
    assert_eq!(speaker_of(t, "they are not criminals"), "Jorge Ramos");
    let t = "Hillary Clinton wrote back.\n\nCelebrating Clinton\n\n\"So far so good,\" Clinton \
             replied.";
    assert_eq!(speaker_of(t, "So far so good"), "Hillary Clinton");
}
