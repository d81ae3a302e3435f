//! Word lists the sieves consult: speech cues (generated from lemmas, several hundred forms),
//! titles, pronouns, function words, and forenames that carry a gender. Everything is built once
//! into one hash map in [`Lexicon::new`]; lookups take a lowercased word.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// Properties of one lowercased word, as bit flags.
pub type Flags = u32;

/// A speech or writing verb form (`said`, `tweeted`).
pub const CUE: Flags = 1 << 0;
/// A verb form whose object may be the addressee and whose clause introduces speech (`told`).
pub const CUE_TELL: Flags = 1 << 1;
/// A verb that frames a quoted fragment (`called the plan "…"`, `described it as "…"`).
pub const CUE_FRAME: Flags = 1 << 2;
/// A cue that may introduce indirect speech (`said that …`).
pub const CUE_INDIRECT: Flags = 1 << 3;
/// Title or job word that precedes a name (`Sen.`, `Minister`, `coach`).
pub const TITLE: Flags = 1 << 4;
/// A personal pronoun that can be a subject.
pub const PRONOUN: Flags = 1 << 5;
/// Determiner, preposition, conjunction or similar closed-class word.
pub const FUNCTION: Flags = 1 << 6;
/// An adverb or auxiliary that may sit between a subject and its speech verb.
pub const ADVERB: Flags = 1 << 7;
/// A time word that may follow a cue (`said Friday`, `said yesterday`).
pub const TIME: Flags = 1 << 8;
/// A noun naming a role (`spokesman`, `official`): heads a speaker phrase without a name.
pub const ROLE: Flags = 1 << 9;
/// A preposition that ends a speaker phrase (`said X in a statement`).
pub const PREP: Flags = 1 << 10;
/// A word that commonly starts a sentence, so its capital letter says nothing.
pub const STARTER: Flags = 1 << 11;
/// Male forename or male pronoun/title.
pub const MALE: Flags = 1 << 12;
/// Female forename or female pronoun/title.
pub const FEMALE: Flags = 1 << 13;
/// Plural pronoun or noun.
pub const PLURAL: Flags = 1 << 14;
/// A collective noun naming an organisation (`campaign`, `department`).
pub const ORG: Flags = 1 << 15;
/// A verb form that is not a speech cue; marks the end of a subject phrase going backwards.
pub const VERB: Flags = 1 << 16;
/// An abbreviation that keeps its period (`Mr.`, `Sept.`): not a sentence end.
pub const ABBREV: Flags = 1 << 17;
/// Month names and abbreviations.
pub const MONTH: Flags = 1 << 18;
/// An auxiliary or copula before a verb (`was`, `has`): `was told` is not `told`.
pub const AUX: Flags = 1 << 19;
/// A word that cannot be part of a name even when capitalised (`The`, `But`).
pub const NOT_NAME: Flags = 1 << 20;
/// A cue that marks the speaker of a quote that follows it directly (`said`, `added`), as
/// opposed to a framing verb.
pub const CUE_DIRECT: Flags = 1 << 21;

/// A capitalised word that names a place, an institution or a group, never a person
/// (`Iowa`, `Congress`, `Democrats`).
pub const NONPERSON: Flags = 1 << 24;
/// A name particle (`de`, `van`, `bin`): the words `names` takes as part of a name in
/// lowercase. (The flag lets the tokenizer mark the tokens that can be part of a name from
/// their flags; the names code keeps its own test of the same words.)
pub const PARTICLE: Flags = 1 << 25;

/// Speech verbs by lemma. `*` doubles the final consonant in -ed/-ing; irregular forms follow
/// after `|` (third person, past, participle, gerund are generated otherwise).
const SPEECH_LEMMAS: &[&str] = &[
    "say|says|said|saying",
    "tell|tells|told|telling",
    "write|writes|wrote|written|writing",
    "speak|speaks|spoke|spoken|speaking",
    "tweet",
    "retweet",
    "react",
    "beam",
    "gloat",
    "exult",
    "seethe",
    "retaliate",
    "vent",
    "post",
    "blog*",
    "text",
    "email",
    "e-mail",
    "message",
    "add",
    "ask",
    "answer",
    "reply",
    "respond",
    "explain",
    "note",
    "continue",
    "recall",
    "insist",
    "argue",
    "claim",
    "warn",
    "declare",
    "state",
    "announce",
    "shout",
    "yell",
    "scream",
    "chant",
    "joke",
    "quip*",
    "riff",
    "laugh",
    "cry",
    "sigh",
    "whisper",
    "mutter",
    "mumble",
    "complain",
    "admit*",
    "acknowledge",
    "concede",
    "confirm",
    "deny",
    "suggest",
    "predict",
    "vow",
    "promise",
    "pledge",
    "boast",
    "brag*",
    "counter",
    "retort",
    "snap*",
    "lament",
    "observe",
    "remark",
    "comment",
    "emphasize",
    "emphasise",
    "stress",
    "read|reads|read|reading",
    "accuse",
    "charge",
    "allege",
    "contend",
    "maintain",
    "assert",
    "affirm",
    "reiterate",
    "repeat",
    "recount",
    "testify",
    "inform",
    "assure",
    "remind",
    "advise",
    "caution",
    "threaten",
    "muse",
    "wonder",
    "question",
    "query",
    "press",
    "challenge",
    "interject",
    "interrupt",
    "conclude",
    "elaborate",
    "clarify",
    "correct",
    "agree",
    "disagree",
    "object",
    "protest",
    "opine",
    "reason",
    "figure",
    "guess",
    "speculate",
    "estimate",
    "report",
    "disclose",
    "reveal",
    "indicate",
    "signal",
    "hint",
    "imply",
    "offer",
    "propose",
    "recommend",
    "urge",
    "demand",
    "plead",
    "beg*",
    "praise",
    "criticize",
    "criticise",
    "slam*",
    "blast",
    "attack",
    "mock",
    "ridicule",
    "deride",
    "dismiss",
    "defend",
    "sing|sings|sang|sung|singing",
    "pray",
    "preach",
    "lecture",
    "exclaim",
    "thunder",
    "roar",
    "bellow",
    "bark",
    "growl",
    "grumble",
    "grouse",
    "gripe",
    "fume",
    "rage",
    "gush",
    "rave",
    "enthuse",
    "marvel",
    "cheer",
    "thank",
    "apologize",
    "apologise",
    "confess",
    "volunteer",
    "venture",
    "surmise",
    "summarize",
    "summarise",
    "remember",
    "reflect",
    "reminisce",
    "relate",
    "relay",
    "proclaim",
    "pronounce",
    "decree",
    "rule",
    "editorialize",
    "posit*",
    "theorize",
    "conjecture",
    "reckon",
    "mention",
    "highlight",
    "underscore",
    "point",
    "concur*",
    "retort",
    "rebut*",
    "scoff",
    "sneer",
    "taunt",
    "tease",
    "chide",
    "scold",
    "rebuke",
    "lash",
    "hit|hits|hit|hitting",
    "fire|fires|fired|firing",
    "shoot|shoots|shot|shooting",
    "swear|swears|swore|sworn|swearing",
    "begin|begins|began|begun|beginning",
    "put|puts|put|putting",
    "think|thinks|thought|thinking",
    "write-in",
    "caption",
    "describe",
    "call",
    "dub*",
    "label",
    "term",
    "brand",
    "characterize",
    "characterise",
    "welcome",
    "cite",
    "quote",
    "instruct",
    "order",
    "direct",
    "implore",
    "exhort",
    "declaim",
    "intone",
    "recite",
    "wail",
    "sob*",
    "stammer",
    "stutter",
    "murmur",
    "hiss",
    "snarl",
    "spit*",
    "drawl",
    "greet",
    "acclaim",
    "hail",
    "tout",
    "trumpet",
    "celebrate",
    "congratulate",
    "concede",
    "announce",
    "broadcast",
    "publish",
    "declare",
    "instruct",
    "confide",
    "divulge",
    "inquire",
    "enquire",
    "demur*",
    "allow",
    "grant",
    "reassure",
    "forecast",
    "predict",
    "bemoan",
    "decry",
    "condemn",
    "denounce",
    "applaud",
    "hail",
    "assail",
    "fault",
    "rip*",
    "knock",
    "pan*",
    "tear|tears|tore|torn|tearing",
    "chime",
    "pipe",
    "add",
    "sum*",
    "wrap*",
    "close",
    "open",
    "finish",
    "end",
    "start",
];

/// Forms that introduce indirect speech (`X said that …`, `X warned …`).
const INDIRECT_LEMMAS: &[&str] = &[
    "say",
    "tell",
    "write",
    "add",
    "explain",
    "note",
    "insist",
    "argue",
    "claim",
    "warn",
    "declare",
    "state",
    "announce",
    "complain",
    "admit",
    "acknowledge",
    "concede",
    "confirm",
    "deny",
    "suggest",
    "predict",
    "vow",
    "promise",
    "pledge",
    "boast",
    "counter",
    "observe",
    "remark",
    "emphasize",
    "stress",
    "allege",
    "contend",
    "maintain",
    "assert",
    "reiterate",
    "testify",
    "assure",
    "remind",
    "caution",
    "threaten",
    "report",
    "disclose",
    "reveal",
    "indicate",
    "signal",
    "hint",
    "imply",
    "propose",
    "recommend",
    "urge",
    "tweet",
    "post",
    "recall",
    "speculate",
    "estimate",
    "mention",
    "agree",
    "respond",
    "reply",
    "concur",
    "swear",
    "think",
    "believe",
    "hope",
    "fear",
    "expect",
    "reckon",
    "figure",
    "guess",
    "worry",
    "doubt",
];

/// Verbs that frame a quoted fragment as a characterisation.
const FRAME_LEMMAS: &[&str] = &[
    "call",
    "describe",
    "dub",
    "label",
    "term",
    "brand",
    "characterize",
    "characterise",
];

/// The base form of a speech verb (`say`, `report`): too often a noun or an infinitive to be a
/// cue by itself.
pub const CUE_BASE: Flags = 1 << 22;
/// The -ing form (`saying`, `adding`): a participle clause whose subject is the sentence's.
pub const CUE_ING: Flags = 1 << 23;

/// Forms of "say"-like verbs that mark the speaker of a quote directly beside them.
const DIRECT_LEMMAS: &[&str] = &[
    "say",
    "tell",
    "write",
    "tweet",
    "post",
    "add",
    "ask",
    "answer",
    "reply",
    "respond",
    "explain",
    "note",
    "continue",
    "recall",
    "insist",
    "argue",
    "claim",
    "warn",
    "declare",
    "state",
    "announce",
    "shout",
    "yell",
    "scream",
    "chant",
    "joke",
    "quip",
    "laugh",
    "cry",
    "sigh",
    "whisper",
    "mutter",
    "mumble",
    "complain",
    "admit",
    "acknowledge",
    "concede",
    "confirm",
    "deny",
    "suggest",
    "predict",
    "vow",
    "promise",
    "pledge",
    "boast",
    "brag",
    "counter",
    "retort",
    "snap",
    "lament",
    "observe",
    "remark",
    "comment",
    "emphasize",
    "emphasise",
    "stress",
    "read",
    "accuse",
    "charge",
    "allege",
    "contend",
    "maintain",
    "assert",
    "affirm",
    "reiterate",
    "repeat",
    "recount",
    "testify",
    "assure",
    "remind",
    "advise",
    "caution",
    "threaten",
    "muse",
    "wonder",
    "question",
    "query",
    "press",
    "challenge",
    "interject",
    "interrupt",
    "conclude",
    "elaborate",
    "clarify",
    "agree",
    "disagree",
    "object",
    "protest",
    "opine",
    "reason",
    "speculate",
    "report",
    "urge",
    "demand",
    "plead",
    "beg",
    "exclaim",
    "thunder",
    "roar",
    "bellow",
    "grumble",
    "gush",
    "rave",
    "enthuse",
    "marvel",
    "cheer",
    "confess",
    "volunteer",
    "venture",
    "surmise",
    "summarize",
    "summarise",
    "remember",
    "reflect",
    "reminisce",
    "proclaim",
    "pronounce",
    "posit",
    "theorize",
    "reckon",
    "mention",
    "scoff",
    "sneer",
    "taunt",
    "tease",
    "chide",
    "scold",
    "rebuke",
    "swear",
    "begin",
    "think",
    "caption",
    "write-in",
    "text",
    "email",
    "e-mail",
    "message",
    "retweet",
    "blog",
    "inquire",
    "enquire",
    "demur",
    "reassure",
    "forecast",
    "bemoan",
    "decry",
    "concur",
    "rebut",
    "intone",
    "recite",
    "wail",
    "sob",
    "stammer",
    "murmur",
    "hiss",
    "snarl",
    "drawl",
    "greet",
    "tout",
    "confide",
    "chime",
    "sing",
    "pray",
    "preach",
    "lecture",
    "hint",
    "imply",
    "indicate",
    "propose",
    "recommend",
    "figure",
    "guess",
    "estimate",
    "disclose",
    "reveal",
    "inform",
    "instruct",
    "declaim",
    "sum",
    "wrap",
    "close",
    "open",
    "finish",
    "end",
    "start",
    "fire",
    "shoot",
    "hit",
    "lash",
    "pipe",
];

/// Forenames, for the gender of a person named in the document. Common in English-language news.
const MALE_NAMES: &str = "aaron abdul abe abraham adam adrian ahmed al alan albert alec alex alexander alfred ali allen alvin andre andrew andy angelo anthony antonin antonio arnold arthur ash ashton austin barack barney barry ben benjamin bernard bernie bill billy blake bob bobby boris brad bradley brendan brent brett brian bruce bryan byron carl carlos carson chad charles charlie chris christian christopher chuck clarence clark claude clay clint clifford clinton cody colin conrad corey cory craig curt curtis dale dan daniel danny darrell darren dave david dean dennis denis derek devin dick dinesh don donald doug douglas duncan dwight earl ed eddie edgar eduardo edward edwin eli elijah elliot elliott emanuel emmanuel eric erik ernest ethan eugene evan frank frankie franklin fred freddie frederick gabriel gary gene geoff geoffrey george gerald gilbert glenn gordon graham grant greg gregory guy hank harold harris harry harvey hector henry herbert herman howard hugh hugo ian isaac ivan jack jacob jake james jamie jared jason jay jeb jeff jeffrey jeremy jerome jerry jesse jim jimmy joe joel joey john johnny jon jonathan jordan jorge jose joseph josh joshua juan julian justin karl keith ken kenneth kevin kirk kurt kyle lamar lance larry lawrence lee leon leonard leroy lewis lincoln lindsey lloyd louis luis luke malcolm manuel marc marco marcus mario mark marshall martin marvin matt matthew maurice max michael mick mike miles mitch mitchell mitt mohamed mohammed muhammad nathan neil nelson newt nicholas nick nigel noah norman oliver omar orrin oscar owen pat patrick paul pedro pete peter phil philip phillip rafael ralph rand randall randy ray raymond reince reggie reid rex ricardo richard rick ricky rob robert roberto rod rodney roger roland ron ronald ross roy rudy rush russ russell ryan sam samuel scott sean sergei sergey seth shane sherrod simon stan stanley stephen steve steven stuart ted terry theodore thomas tim timothy todd tom tommy tony travis trent trey troy tyler vernon victor vince vincent vladimir walter warren wayne wesley will william willie xi yuri zach zachary";

const FEMALE_NAMES: &str = "abby abigail ada alexandra alexis alice alicia alison allison amanda amara amber amy ana andrea angela angelina ann anna anne annie april ashley barbara becky betsy betty beth beverly bonnie brenda bridget brittany brooke candace carly carmen carol caroline carolyn catherine cathy cecilia charlotte cheryl chelsea christina christine cindy claire clara claudia colleen connie courtney crystal cynthia daisy dana danielle deborah debbie debra denise diana diane dianne donna dolores doris dorothy edith eileen elaine eleanor elena elise elizabeth ella ellen emily emma erica erin esther eva evelyn faith felicia fiona florence frances gabrielle gail gina gloria grace gretchen gwen hannah harriet heather heidi helen hillary holly hope huma irene iris isabel jackie jacqueline jane janet janice jean jeanne jennifer jenny jessica jill joan joanne jodi jodie josephine joy joyce judith judy julia julie june karen kate katherine kathleen kathryn kathy katie kay kayleigh kelly kellyanne kim kimberly kirsten kristen laura lauren laurie leah lena leslie lillian linda lisa liz lois loretta lori louise lucy lydia lynn madeleine madison margaret maria marie marilyn marion marsha martha mary maxine megan meghan melania melissa meredith michele michelle mildred miriam molly monica nancy naomi natalie nia nicole nikki nina nora norma olivia paige pam pamela patricia patty paula pauline peggy penny phyllis priscilla rachel rebecca regina renee rita roberta robin rosa rose rosemary ruth sally samantha sandra sara sarah sharon sheila shirley sonia sophia stacy stephanie susan susana suzanne sylvia tamara tammy tanya teresa theresa tiffany tina tracy ursula valerie vanessa vera veronica victoria virginia wanda wendy whitney yvonne zoe";

/// More forenames and their sex, from census data (see the file's header).
const FORENAMES: &str = include_str!("data/forenames.txt");

/// Places, institutions and groups: capitalised words that are never part of a person's name.
const NONPERSON_WORDS: &str = "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia wisconsin wyoming america american americans u.s. us usa united states kingdom britain british england london europe european russia russian china chinese syria syrian iran iranian iraq iraqi israel israeli palestinian afghanistan pakistan india japan korea germany german france french canada canadian cuba ukraine turkey egypt saudi arabia libya yemen africa asia washington chicago boston philadelphia atlanta houston dallas miami denver seattle detroit cleveland orlando vegas angeles francisco manhattan brooklyn des moines charleston columbia manchester concord congress senate house capitol pentagon kremlin white court supreme department state administration committee party gop rnc dnc fbi cia nsa doj epa irs isis isil nato un cnn nbc abc cbs fox msnbc npr pbs bbc ap reuters bloomberg politico times post journal news tribune herald magazine network media twitter facebook google apple microsoft amazon university college school institute foundation center centre council association union bank group club church company corporation inc. corp. co. hotel plaza tower stadium arena partnership agreement treaty alliance coalition fund pac project initiative program programme caucus convention conference summit commission authority agency bureau ministry movement act campaign democrats republicans democratic republican democrat conservatives liberals evangelicals muslims christians jews catholics latinos hispanics voters obamacare medicare medicaid asian african arab hispanic latino latina pacific islander islanders native indian indians mexican mexicans cuban cubans muslim jewish christian catholic evangelical black white gay lesbian monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october november december christmas easter north south east west new san los st. fort mount lake river street avenue county city island islands bay";

/// Titles and job words that come before a name; the name starts after the last of them.
const TITLES: &str = "mr mr. mrs mrs. ms ms. miss mx dr dr. prof prof. professor sen sen. senator senators sens. rep rep. reps. representative congressman congresswoman gov gov. governor lt lt. gen gen. general col col. colonel capt capt. captain maj maj. major sgt sgt. sergeant adm adm. admiral cmdr cmdr. commander pres pres. president vice secretary minister mayor judge justice chief rev rev. reverend father sister brother sir dame lord lady hon hon. honorable ambassador attorney officer detective coach chairman chairwoman chair chairperson speaker leader whip republican democrat st st. saint prime deputy assemblyman assemblywoman councilman councilwoman councilmember councillor councilor sheriff inspector superintendent commissioner director ceo cfo coo founder candidate nominee chancellor premier king queen prince princess pope bishop cardinal rabbi imam pastor sen.-elect gov.-elect president-elect spokesman spokeswoman spokesperson adviser advisor aide strategist pollster economist analyst professor lawyer attorney welder manager chairman senior junior former acting interim executive treasurer comptroller clerk counsel advocate activist author columnist commentator host anchor reporter correspondent editor editor-in-chief journalist publisher owner actor actress rapper comedian businessman businesswoman billionaire millionaire mogul magnate tycoon entrepreneur investor governor-elect mayor-elect ex-president ex-gov. lieut. supt. atty. atty gen. insp. cpl cpl. pvt pvt. fr. fr sr. jr.";

/// Role nouns that head a speaker phrase by themselves (`a spokesman for the campaign`).
const ROLES: &str = "account headline spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen official officials aide aides adviser advisers advisor advisors source sources expert experts analyst analysts economist economists strategist strategists pollster pollsters lawyer lawyers attorney attorneys officer officers leader leaders member members representative representatives supporter supporters critic critics voter voters resident residents witness witnesses authorities administration campaign company department agency ministry government police prosecutors prosecutor statement report group committee organization organisation party newspaper paper magazine network station court board council office team staff staffer staffers executive executives president senator governor mayor minister secretary chairman chairwoman director candidate candidates nominee protesters protester activist activists worker workers employee employees people democrats republicans lawmakers legislators congressman congresswoman diplomat diplomats observers editorial editors reporter reporters journalist journalists host anchor commentator columnist writer author study survey poll memo letter document release website post tweet book article ad video man woman boy girl boys girls friend friends neighbor neighbors neighbour neighbours student students teacher teachers parent parents mother father son daughter wife husband veteran veterans fan fans owner owners farmer farmers doctor doctors nurse nurses professor professors historian pastor priest rabbi imam businessman businesswoman entrepreneur volunteer volunteers delegate delegates donor donors user users viewer viewers caller callers attendee attendees customer customers victim victims survivor survivors soldier soldiers judge juror jurors citizen citizens immigrant immigrants refugee refugees crowd audience percent";

/// Collective nouns: an organisation speaks as "it" or "they".
const ORGS: &str = "campaign company department agency ministry government police administration committee organization organisation party newspaper paper magazine network station court board council office team staff group union association foundation institute university college bank firm corporation commission bureau service army navy military pentagon house senate congress parliament white";

/// Closed-class words that end a speaker phrase or cannot start a name.
const FUNCTION_WORDS: &str = "a an the this that these those and or but nor so yet for of in on at by to from with without about against between into through during before after above below over under up down out off again further then once here there when where why how all any both each few more most other some such no not only own same than too very can will just should now is are was were be been being have has had having do does did doing would could might must shall may it its it's who whom whose which what whatever whoever while as if because although though unless until since whether also even still however meanwhile instead";

/// Capitalised at a sentence start, never a name (`Others said …`, `Hours later …`).
const NOT_NAMES: &str = "others other hours days weeks months years minutes decades many most some few several both all each every everyone everybody nobody someone somebody anyone anybody none nothing something everything please click subscribe see maybe perhaps outside inside given regarding including";

/// Prepositions and conjunctions that end a speaker phrase after a cue (`said X in a statement`).
const PREPS: &str = "alongside in on at during after before when while as to about from with without into through over under since until because although though if who whom whose which that where via amid amidst despite against toward towards near by following ahead upon across along beside around throughout";

/// Adverbs and auxiliaries between a subject and its cue (`X also said`, `X has said`).
const ADVERBS: &str = "also now later then again recently previously once quickly simply further earlier often repeatedly frequently famously reportedly allegedly publicly privately separately flatly angrily bluntly calmly firmly quietly loudly softly sharply tersely curtly jokingly proudly happily sadly bitterly defiantly emphatically confidently cautiously candidly frankly openly hastily immediately promptly eventually finally first initially subsequently already still just even has had have 've 'd would will could might may must should did does do was is were are been being long never always sometimes only indeed actually really apparently clearly obviously not n't no";

/// Auxiliaries: `was told`, `is said`: passive or non-speech readings.
const AUX_WORDS: &str = "was were is are be been being am";

/// Time expressions that may follow a cue before the speaker or end of clause.
const TIMES: &str = "today yesterday tonight tomorrow monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night week weekend month year last this next earlier later recently ago now then";

// (`Jan` and `Jun` without a period are names more often than months: `Jan Brewer`, `Jun wrote`)
const MONTHS: &str = "january february march april may june july august september october november december jan. feb feb. mar mar. apr apr. jun. jul jul. aug aug. sep sep. sept sept. oct oct. nov nov. dec dec.";

/// Abbreviations that end with a period without ending a sentence.
const ABBREVIATIONS: &str = "mr. mrs. ms. dr. prof. sen. rep. reps. sens. gov. govs. gen. lt. col. capt. maj. sgt. adm. cmdr. st. mt. ft. rev. hon. pres. supt. atty. insp. cpl. pvt. fr. no. nos. vs. v. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. a.m. p.m. e.g. i.e. etc. inc. corp. co. ltd. jr. sr. u.s. u.k. u.n. d.c. n.y. l.a. gov.-elect sen.-elect lieut. ave. blvd. rd. approx. dept. est. fig. al. ph.d. m.d.";

/// Words that often open a sentence: capitalised there without being names.
const STARTERS: &str = "the a an this that these those he she it they we i you his her its their our my your there here but and or so yet if when while after before as since because although though however meanwhile still also in on at by for from with without about during under over into to of what who why how where which whether not no yes now then today yesterday last next later earlier once some many most all both each every one two three several few other another such even only just more asked said says according instead despite amid after among like unlike until unless speaking asked";

/// Subject pronouns (and `I`/`we`/`you`, which a speaker may use).
const PRONOUNS_MALE: &[&str] = &["he", "him", "his", "himself"];
const PRONOUNS_FEMALE: &[&str] = &["she", "her", "hers", "herself"];
const PRONOUNS_PLURAL: &[&str] = &["they", "them", "their", "we"];
const PRONOUNS_OTHER: &[&str] = &["i", "it", "you"];

/// Titles that give a gender.
const MALE_TITLES: &[&str] = &[
    "mr",
    "mr.",
    "king",
    "prince",
    "sir",
    "lord",
    "father",
    "brother",
    "congressman",
    "assemblyman",
    "councilman",
    "chairman",
    "spokesman",
    "businessman",
];
const FEMALE_TITLES: &[&str] = &[
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "miss",
    "queen",
    "princess",
    "dame",
    "lady",
    "sister",
    "congresswoman",
    "assemblywoman",
    "councilwoman",
    "chairwoman",
    "spokeswoman",
    "businesswoman",
    "actress",
];

/// Name particles (see [`PARTICLE`]).
const PARTICLES: &str = "de al la le du da di van von der den bin del ibn mac";

/// Common verbs that are not speech cues: going backwards from a cue, they end the subject.
const VERBS: &str = "is are was were be been has have had do does did will would can could should may might must shall went came made took got gave found kept left won lost ran met saw began become became seems seemed appears appeared wants wanted tried tries needs needed plans planned hopes hoped decided refused"; // extended by the speech forms themselves

/// The lexicon: lowercased word → flags.
#[derive(Debug, Clone)]
pub struct Lexicon {
    map: HashMap<String, Flags, FixedState>,
    /// The words of up to [`SHORT`] bytes again, keyed by [`short_key`]: almost every lookup
    /// is one of these, and a fixed-size key hashes and compares in a few instructions.
    short: Short,
}

/// Longest word (in bytes) kept in [`Lexicon::short`].
pub const SHORT: usize = 15;

/// The bytes of a word of at most [`SHORT`] bytes and its length, as one number (the length
/// keeps words that differ only by trailing NUL bytes apart).
fn short_key(w: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    buf[..w.len()].copy_from_slice(w);
    buf[15] = w.len() as u8;
    u128::from_le_bytes(buf)
}

/// An open-addressing table (linear probing, at most half full) from [`short_key`] to flags,
/// with a bitmap of the keys' hashes in front: most words of a text are not in the lexicon,
/// and the 8 KiB bitmap, which stays in the first-level cache, turns nearly all of them away
/// without a look at the table. Key 0 (the empty word) marks a free slot.
#[derive(Debug, Clone)]
struct Short {
    slots: Vec<Slot>,
    /// One bit per value of the top [`FILTER_BITS`] bits of a key's hash.
    filter: Vec<u64>,
    shift: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    lo: u64,
    hi: u64,
    flags: Flags,
}

const FILTER_BITS: u32 = 16;

fn short_hash(lo: u64, hi: u64) -> u64 {
    (lo ^ hi.rotate_left(23)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Short {
    fn new(words: impl Iterator<Item = (u128, Flags)> + Clone) -> Self {
        let n = words.clone().count();
        let bits = (n.max(1) * 2)
            .next_power_of_two()
            .trailing_zeros()
            .min(FILTER_BITS);
        let size = 1usize << bits;
        let mut t = Short {
            slots: vec![Slot::default(); size],
            filter: vec![0; (1 << FILTER_BITS) / 64],
            shift: 64 - bits,
        };
        for (k, f) in words {
            let (lo, hi) = (k as u64, (k >> 64) as u64);
            if k == 0 {
                continue; // (the empty word is no word)
            }
            let h = short_hash(lo, hi);
            let b = (h >> (64 - FILTER_BITS)) as usize;
            t.filter[b / 64] |= 1 << (b % 64);
            let mut i = (h >> t.shift) as usize;
            while (t.slots[i].lo, t.slots[i].hi) != (0, 0)
                && (t.slots[i].lo, t.slots[i].hi) != (lo, hi)
            {
                i = (i + 1) & (size - 1);
            }
            t.slots[i].lo = lo;
            t.slots[i].hi = hi;
            t.slots[i].flags |= f;
        }
        t
    }

    fn get(&self, k: u128) -> Flags {
        let (lo, hi) = (k as u64, (k >> 64) as u64);
        let h = short_hash(lo, hi);
        let b = (h >> (64 - FILTER_BITS)) as usize;
        if self.filter[b / 64] & (1 << (b % 64)) == 0 {
            return 0;
        }
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let s = &self.slots[i];
            if s.lo == lo && s.hi == hi {
                return s.flags;
            }
            if s.lo == 0 && s.hi == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::new()
    }
}

fn inflect(lemma: &str) -> Vec<String> {
    if lemma.contains('|') {
        return lemma.split('|').map(str::to_string).collect();
    }
    let double = lemma.ends_with('*');
    let base = lemma.trim_end_matches('*');
    let mut out = vec![base.to_string()];
    let last = base.chars().last().unwrap_or('a');
    let before_last = base.chars().rev().nth(1).unwrap_or('a');
    let vowel = |c: char| "aeiou".contains(c);
    if let Some(stem) = base.strip_suffix('e') {
        out.push(format!("{base}s"));
        out.push(format!("{base}d"));
        out.push(format!("{stem}ing"));
    } else if last == 'y' && !vowel(before_last) {
        let stem = &base[..base.len() - 1];
        out.push(format!("{stem}ies"));
        out.push(format!("{stem}ied"));
        out.push(format!("{base}ing"));
    } else if base.ends_with("ss")
        || base.ends_with("sh")
        || base.ends_with("ch")
        || base.ends_with('x')
        || base.ends_with('z')
    {
        out.push(format!("{base}es"));
        out.push(format!("{base}ed"));
        out.push(format!("{base}ing"));
    } else if double {
        out.push(format!("{base}s"));
        out.push(format!("{base}{last}ed"));
        out.push(format!("{base}{last}ing"));
    } else {
        out.push(format!("{base}s"));
        out.push(format!("{base}ed"));
        out.push(format!("{base}ing"));
    }
    out
}

fn lemma_base(lemma: &str) -> &str {
    lemma
        .split('|')
        .next()
        .unwrap_or(lemma)
        .trim_end_matches('*')
}

impl Lexicon {
    pub fn new() -> Self {
        let mut map: HashMap<String, Flags, FixedState> =
            HashMap::with_capacity_and_hasher(4096, FixedState::default());
        let add = |w: &str, f: Flags, map: &mut HashMap<String, Flags, FixedState>| {
            *map.entry(w.to_string()).or_insert(0) |= f;
        };
        let in_list = |list: &[&str], base: &str| list.contains(&base);
        for lemma in SPEECH_LEMMAS {
            let base = lemma_base(lemma);
            let mut f = CUE;
            if base == "tell" || base == "inform" || base == "assure" || base == "remind" {
                f |= CUE_TELL;
            }
            if in_list(INDIRECT_LEMMAS, base) {
                f |= CUE_INDIRECT;
            }
            if in_list(FRAME_LEMMAS, base) {
                f |= CUE_FRAME;
            }
            if in_list(DIRECT_LEMMAS, base) {
                f |= CUE_DIRECT;
            }
            for (i, form) in inflect(lemma).into_iter().enumerate() {
                let ff = if i == 0 {
                    CUE_BASE
                } else if form.ends_with("ing") {
                    (f & !CUE) | CUE_ING
                } else {
                    f
                };
                add(&form, ff, &mut map);
            }
        }
        // belief verbs introduce indirect speech but are not speech cues for direct quotes
        for base in ["believe", "hope", "fear", "expect", "worry", "doubt"] {
            for form in inflect(base).into_iter().skip(1) {
                add(&form, CUE_INDIRECT | VERB, &mut map);
            }
        }
        // word lists and the flags their words get, in this order (flags accumulate)
        let lists = [
            (MALE_NAMES, MALE),
            (FEMALE_NAMES, FEMALE),
            (TITLES, TITLE),
            (NONPERSON_WORDS, NONPERSON),
            (ROLES, ROLE),
            (ORGS, ORG),
            (FUNCTION_WORDS, FUNCTION | NOT_NAME),
            (NOT_NAMES, NOT_NAME),
            (PREPS, PREP),
            (ADVERBS, ADVERB),
            (AUX_WORDS, AUX),
            (TIMES, TIME),
            (MONTHS, MONTH | TIME),
            (ABBREVIATIONS, ABBREV),
            (STARTERS, STARTER),
            (VERBS, VERB),
        ];
        for (list, flags) in lists {
            for w in list.split_whitespace() {
                add(w, flags, &mut map);
            }
        }
        for w in PRONOUNS_MALE {
            add(w, PRONOUN | MALE, &mut map);
        }
        for w in PRONOUNS_FEMALE {
            add(w, PRONOUN | FEMALE, &mut map);
        }
        for w in PRONOUNS_PLURAL {
            add(w, PRONOUN | PLURAL, &mut map);
        }
        for w in PRONOUNS_OTHER {
            add(w, PRONOUN, &mut map);
        }
        for w in MALE_TITLES {
            add(w, MALE | TITLE, &mut map);
        }
        for w in FEMALE_TITLES {
            add(w, FEMALE | TITLE, &mut map);
        }
        // the census forenames give a sex only to words no list above knows
        for line in FORENAMES.lines().filter(|l| !l.starts_with('#')) {
            if let Some((name, sex)) = line.split_once(' ')
                && !map.contains_key(name)
            {
                map.insert(name.to_string(), if sex == "F" { FEMALE } else { MALE });
            }
        }
        // (after the forenames: a particle that is also a forename keeps its sex)
        for w in PARTICLES.split_whitespace() {
            add(w, PARTICLE, &mut map);
        }
        // a few words are both a title and a forename or a common word; keep them usable
        for w in [
            "will", "may", "mark", "bill", "grant", "rush", "faith", "hope", "joy",
        ] {
            if let Some(f) = map.get_mut(w) {
                *f &= !NOT_NAME;
            }
        }
        let short = Short::new(
            map.iter()
                .filter(|(w, _)| w.len() <= SHORT)
                .map(|(w, f)| (short_key(w.as_bytes()), *f)),
        );
        Lexicon { map, short }
    }

    /// Flags of a word of at most [`SHORT`] bytes, given as its bytes in `buf[..len]` (the
    /// rest zero): what [`Lexicon::get`] says of it, without copying it first.
    pub fn get_short(&self, buf: [u8; 16], len: usize) -> Flags {
        self.get_word(u128::from_le_bytes(buf), len)
    }

    /// [`Lexicon::get_short`] of the word whose bytes are those of `word` (little-endian; the
    /// bytes past `len` zero).
    pub fn get_word(&self, word: u128, len: usize) -> Flags {
        debug_assert!(len <= SHORT && word >> (8 * len) == 0);
        self.short.get(word | (len as u128) << 120)
    }

    /// Flags of a word in any case: [`Lexicon::get`] of its lowercase form, without making it
    /// when the word is short and ASCII.
    pub fn get_folded(&self, word: &str) -> Flags {
        let b = word.as_bytes();
        if b.len() <= SHORT && b.is_ascii() {
            let mut buf = [0u8; 16];
            for (d, s) in buf.iter_mut().zip(b) {
                *d = s.to_ascii_lowercase();
            }
            return self.get_short(buf, b.len());
        }
        self.get(&word.to_lowercase())
    }

    /// Flags of a word; `lower` must be lowercase.
    pub fn get(&self, lower: &str) -> Flags {
        let b = lower.as_bytes();
        if b.len() <= SHORT {
            return self.short.get(short_key(b));
        }
        self.map.get(lower).copied().unwrap_or(0)
    }

    /// Every word with its flags.
    pub fn words(&self) -> impl Iterator<Item = (&str, Flags)> {
        self.map.iter().map(|(w, f)| (w.as_str(), *f))
    }

    /// Number of distinct speech-cue forms (for the design notes and tests).
    pub fn cue_forms(&self) -> usize {
        self.map.values().filter(|f| *f & CUE != 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lookup_agrees_with_the_word_table() {
        let lex = Lexicon::new();
        let mut probes: Vec<String> = lex.words().map(|(w, _)| w.to_string()).collect();
        // words that are not in it, of every length, and prefixes of words that are
        for w in lex.words().map(|(w, _)| w.to_string()).collect::<Vec<_>>() {
            probes.push(format!("{w}x"));
            probes.push(w[..w.len() / 2].to_string());
        }
        probes.extend(["", "a", "zz", "qwertyu", "qwertyui", "abcdefghijklmno"].map(String::from));
        for w in probes {
            let want = lex.map.get(&w).copied().unwrap_or(0);
            assert_eq!(lex.get(&w), want, "{w:?}");
            if w.len() <= SHORT && w.is_ascii() {
                let mut buf = [0u8; 16];
                buf[..w.len()].copy_from_slice(w.as_bytes());
                assert_eq!(lex.get_short(buf, w.len()), want, "{w:?}");
                assert_eq!(lex.get_folded(&w.to_uppercase()), want, "{w:?}");
            }
        }
    }

    #[test]
    fn inflections() {
        assert_eq!(inflect("add"), ["add", "adds", "added", "adding"]);
        assert_eq!(inflect("note"), ["note", "notes", "noted", "noting"]);
        assert_eq!(
            inflect("reply"),
            ["reply", "replies", "replied", "replying"]
        );
        assert_eq!(inflect("quip*"), ["quip", "quips", "quipped", "quipping"]);
        assert_eq!(
            inflect("stress"),
            ["stress", "stresses", "stressed", "stressing"]
        );
    }

    #[test]
    fn lexicon_is_broad() {
        let l = Lexicon::new();
        assert!(l.cue_forms() >= 500, "{}", l.cue_forms());
        for w in [
            "said", "told", "called", "asked", "recalled", "vowed", "accused", "chanted", "read",
            "tweeted",
        ] {
            assert!(l.get(w) & CUE != 0, "{w}");
        }
        assert!(l.get("told") & CUE_TELL != 0);
        assert!(l.get("report") & CUE == 0 && l.get("report") & CUE_BASE != 0);
        assert!(l.get("adding") & CUE_ING != 0 && l.get("adding") & CUE == 0);
        assert!(l.get("he") & PRONOUN != 0 && l.get("he") & MALE != 0);
        assert!(l.get("sen.") & TITLE != 0);
        assert!(l.get("lena") & FEMALE != 0);
    }

    #[test]
    fn short_and_long_words_are_found_and_only_they() {
        let l = Lexicon::new();
        for (w, f) in l.words() {
            assert_eq!(l.get(w), f, "{w}");
            // a prefix or an extension that is not itself a word has no flags
            for probe in [format!("{w}\0"), format!("{w}zzqx"), format!("zzqx{w}")] {
                assert_eq!(l.get(&probe), 0, "{probe:?}");
            }
        }
        assert_eq!(l.get(""), 0);
        assert_eq!(l.get("saidsaidsaidsaidsaid"), 0);
    }
}
