//! Words as the catalogue and the hand-off matcher compare them.
//!
//! Owns turning a message into a sequence of words (normalised as the
//! detector sees them, split on anything that is not a letter or digit,
//! apostrophes dropped so "don't" is "dont") and each word's stem (Snowball
//! English, the `rust-stemmers` crate), so that "serviced", "services" and
//! "servicing" all match a keyword written "service". Also owns matching a
//! configured phrase against those stems, and recognising a request for a
//! person phrased in ways no phrase list anticipates ("need a human please",
//! "is there a real person I can chat to").

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::normalize::normalize;

/// A message's words and their stems, index for index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// The words as written (normalised: lower case, folded).
    pub forms: Vec<String>,
    /// Each word's stem.
    pub stems: Vec<String>,
}

impl Words {
    pub fn of(text: &str) -> Words {
        let norm = normalize(text);
        let forms: Vec<String> = norm
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.replace('\'', ""))
            .filter(|w| !w.is_empty())
            .collect();
        let stems = forms.iter().map(|w| stem(w)).collect();
        Words { forms, stems }
    }

    /// The stems joined with single spaces and padded with one space at
    /// each end, so that " tabl " occurs in it only as a whole word.
    pub fn padded_stems(&self) -> String {
        padded(&self.stems)
    }

    /// The words `start..end` as written, for explanations.
    pub fn span(&self, start: usize, end: usize) -> String {
        self.forms[start..end.min(self.forms.len())].join(" ")
    }
}

/// One word's stem ("serviced" → "servic", "tables" → "tabl").
pub fn stem(word: &str) -> String {
    static ENGLISH: OnceLock<Stemmer> = OnceLock::new();
    ENGLISH
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(word)
        .into_owned()
}

/// `" a b c "`: the form [`Words::padded_stems`] and keyword patterns share.
pub fn padded(stems: &[String]) -> String {
    let mut out = String::from(" ");
    for s in stems {
        out.push_str(s);
        out.push(' ');
    }
    out
}

/// Words a configured phrase may gain or lose without changing what it
/// asks: "talk to a person" also matches "talk to a real person" and "talk
/// to person".
const FILLERS: &[&str] = &[
    "a", "an", "the", "your", "real", "actual", "some", "please", "pls", "plz", "just",
];

/// The indices of the words that are not [`FILLERS`]. Fillers are
/// recognised as written ("please" stems to "pleas").
fn content(w: &Words) -> Vec<usize> {
    (0..w.forms.len())
        .filter(|&i| !FILLERS.contains(&w.forms[i].as_str()))
        .collect()
}

/// Where `phrase` (as configured) occurs in `words`, comparing stems and
/// ignoring [`FILLERS`] on both sides; the span is in word indices.
pub fn find_phrase(words: &Words, phrase: &str) -> Option<(usize, usize)> {
    let phrase = Words::of(phrase);
    let wanted = content(&phrase);
    let first = *wanted.first()?;
    let have = content(words);
    have.windows(wanted.len())
        .find(|w| {
            w.iter()
                .zip(&wanted)
                .all(|(&i, &j)| words.stems[i] == phrase.stems[j])
        })
        .map(|w| (w[0], w[w.len() - 1] + 1))
        // "I talked to someone": the same stem in the past tells a story.
        .filter(|&(start, _)| {
            !words.forms[start].ends_with("ed") || phrase.forms[first].ends_with("ed")
        })
}

/// How a hand-off phrase almost matched (see [`near_phrase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Near {
    /// Every word is there, but in the past tense: a story, or an ask
    /// told as one ("I wanted to… so I tried to talked to someone").
    PastTense,
    /// Every word but one in the middle is there, in order: the verb and
    /// whom to reach match ("speak with someone" for "speak to someone").
    OneWordDiffers,
}

impl Near {
    pub fn describe(self) -> &'static str {
        match self {
            Near::PastTense => "in the past tense",
            Near::OneWordDiffers => "one word differs",
        }
    }
}

/// Where `phrase` almost occurs in `words`, when [`find_phrase`] finds it
/// not: the same content words told in the past tense, or (for phrases of
/// three words or more) one word between the first and the last replaced. The span is
/// in word indices. For staff to read (`audit --missed`), never to act on.
pub fn near_phrase(words: &Words, phrase: &str) -> Option<(usize, usize, Near)> {
    if find_phrase(words, phrase).is_some() {
        return None;
    }
    let phrase = Words::of(phrase);
    let wanted = content(&phrase);
    if wanted.len() < 2 {
        return None;
    }
    let have = content(words);
    for w in have.windows(wanted.len()) {
        let differ: Vec<usize> = (0..wanted.len())
            .filter(|&k| words.stems[w[k]] != phrase.stems[wanted[k]])
            .collect();
        let span = (w[0], w[w.len() - 1] + 1);
        match differ.as_slice() {
            // find_phrase refused an exact match: only the tense can do that.
            [] => return Some((span.0, span.1, Near::PastTense)),
            [k] if *k != 0 && *k != wanted.len() - 1 => {
                return Some((span.0, span.1, Near::OneWordDiffers))
            }
            _ => {}
        }
    }
    None
}

/// Verbs of getting through to someone, in forms that ask (present,
/// imperative, infinitive, -ing); past forms ("I talked to someone") tell
/// a story and are left out on purpose.
const REACH: &[&str] = &[
    "talk", "talking", "speak", "speaking", "chat", "chatting", "connect", "transfer", "reach",
    "contact",
];

/// Whom one asks to reach.
const WHOM: &[&str] = &[
    "someone",
    "somebody",
    "person",
    "human",
    "humans",
    "agent",
    "representative",
    "rep",
    "staff",
    "team",
    "sales",
    "salesperson",
    "support",
    "operator",
    "manager",
    "owner",
];

/// Wanting words that, followed closely by an unmistakable person, ask
/// for one ("need a human", "is there a real person", "can I get an agent
/// please" is not one: "agent" alone is too many other things).
const WANT: &[&str] = &["need", "want", "wanna", "get", "there", "any"];

/// The only words that may stand between the verb and the person: "talk
/// to a real person", "connect me with your sales team". Anything else
/// means the two belong to different thoughts ("chat can someone look
/// this up", "contact with the freezing agent").
const BETWEEN: &[&str] = &[
    "to", "with", "me", "us", "a", "an", "the", "your", "real", "actual", "live", "customer",
    "service", "services", "sales", "member", "members", "of", "through", "in", "touch", "some",
];

/// Words that on their own (or as the pair below) can only mean a person
/// as opposed to the bot.
const PERSON: &[&str] = &["human", "humans", "representative", "operator"];
const PERSON_MODIFIERS: &[&str] = &["real", "actual", "live"];
const PERSON_NOUNS: &[&str] = &["person", "human", "people", "agent", "someone"];

/// Negations that turn an ask into its opposite ("I don't need a human").
const NEGATIONS: &[&str] = &["dont", "not", "never", "no", "doesnt", "didnt", "without"];

/// Progressive narration before an -ing form ("I was chatting with someone").
const NARRATION: &[&str] = &["was", "were", "been", "am", "im", "is", "are"];

/// A plan rather than an ask ("I'll talk to someone there").
const PLANS: &[&str] = &["ill", "will", "gonna", "shall", "should"];

/// The words of a request to reach a person, if the message makes one:
/// a reaching verb followed within four words by whom ("can I chat to a
/// real person", "talking to someone would help"), or a wanting word
/// followed within three by an unmistakable person ("need a human please",
/// "is there a real person here"). Negated or narrated asks do not count.
pub fn person_request(words: &Words) -> Option<String> {
    let f = &words.forms;
    let negated = |i: usize| {
        f[i.saturating_sub(2)..i]
            .iter()
            .any(|w| NEGATIONS.contains(&w.as_str()))
    };
    for (i, w) in f.iter().enumerate() {
        if negated(i) {
            continue;
        }
        let window = |n: usize| i + 1..(i + 1 + n).min(f.len());
        if REACH.contains(&w.as_str()) {
            let before = i.checked_sub(1).map(|b| f[b].as_str());
            let narrated = w.ends_with("ing") && before.is_some_and(|b| NARRATION.contains(&b));
            if narrated || before.is_some_and(|b| PLANS.contains(&b)) {
                continue;
            }
            let whom = window(4)
                .find(|&j| WHOM.contains(&f[j].as_str()) || !BETWEEN.contains(&f[j].as_str()))
                .filter(|&j| WHOM.contains(&f[j].as_str()))
                // "contact person" is a noun ("our contact person in Leeds").
                .filter(|&j| !(j == i + 1 && f[j] == "person"));
            if let Some(j) = whom {
                return Some(words.span(i, j + 1));
            }
        }
        if WANT.contains(&w.as_str()) {
            let found = window(3)
                .find(|&j| {
                    !BETWEEN.contains(&f[j].as_str()) || PERSON_MODIFIERS.contains(&f[j].as_str())
                })
                .filter(|&j| {
                    PERSON.contains(&f[j].as_str())
                        || (PERSON_MODIFIERS.contains(&f[j].as_str())
                            && f.get(j + 1)
                                .is_some_and(|n| PERSON_NOUNS.contains(&n.as_str())))
                });
            if let Some(j) = found {
                let end = if PERSON.contains(&f[j].as_str()) {
                    j + 1
                } else {
                    j + 2
                };
                return Some(words.span(i, end));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        for (a, b) in [
            ("serviced", "service"),
            ("servicing", "services"),
            ("tables", "table"),
            ("benches", "bench"),
            ("mattresses", "mattress"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("stable"), stem("table"));
        assert_ne!(stem("bedrock"), stem("bed"));
    }

    #[test]
    fn words_split_on_punctuation_and_drop_apostrophes() {
        let w = Words::of("Don't   sell me the OAK-table, pls!");
        assert_eq!(
            w.forms,
            ["dont", "sell", "me", "the", "oak", "table", "pls"]
        );
        assert_eq!(w.padded_stems(), " dont sell me the oak tabl pls ");
    }

    #[test]
    fn a_configured_phrase_matches_its_inflections_and_fillers() {
        let phrase = "talk to a person";
        for text in [
            "can I talk to a person",
            "talking to a real person would help",
            "Talk to person pls",
        ] {
            assert!(find_phrase(&Words::of(text), phrase).is_some(), "{text}");
        }
        assert!(find_phrase(&Words::of("a person to talk to"), phrase).is_none());
        assert!(find_phrase(&Words::of("I talked to a person there"), phrase).is_none());
        assert!(find_phrase(&Words::of("anything"), "the a").is_none());
        let w = Words::of("how do I contact your customer services team?");
        let (start, end) = find_phrase(&w, "contact customer service").unwrap();
        assert_eq!(w.span(start, end), "contact your customer services");
    }

    #[test]
    fn a_phrase_that_almost_matches_is_found_and_says_how() {
        let near = |text: &str, phrase: &str| {
            let w = Words::of(text);
            near_phrase(&w, phrase).map(|(s, e, how)| (w.span(s, e), how))
        };
        assert_eq!(
            near("I talked to someone but nobody replied", "talk to someone"),
            Some(("talked to someone".into(), Near::PastTense))
        );
        assert_eq!(
            near("can I speak with someone?", "speak to someone"),
            Some(("speak with someone".into(), Near::OneWordDiffers))
        );
        assert_eq!(
            near(
                "Newegg's customer service is great",
                "contact customer service"
            ),
            None,
            "the verb must match"
        );
        assert_eq!(
            near("please call me tomorrow", "call me back"),
            None,
            "the last word (whom or what) must match"
        );
        assert_eq!(
            near("talk to someone", "talk to someone"),
            None,
            "a match is not a near miss"
        );
        assert_eq!(
            near("we went to someone's house", "talk to someone"),
            None,
            "two words of three"
        );
        assert_eq!(near("how do I talk to you", "talk to someone"), None);
    }

    #[test]
    fn asks_for_a_person_are_recognised_however_phrased() {
        for (text, words) in [
            ("need a human please", "need a human"),
            (
                "is there a real person I can chat to",
                "there a real person",
            ),
            ("can i speak with an agent", "speak with an agent"),
            (
                "pls connect me to your sales team",
                "connect me to your sales",
            ),
            ("any humans around?", "any humans"),
            ("I want to talk to the owner", "talk to the owner"),
        ] {
            assert_eq!(
                person_request(&Words::of(text)).as_deref(),
                Some(words),
                "{text}"
            );
        }
    }

    #[test]
    fn stories_negations_and_other_people_are_not_asks_for_a_person() {
        for text in [
            "I talked to someone at the shop yesterday",
            "I'll talk to someone there tomorrow",
            "let me talk to my manager first",
            "I was chatting with someone about oak tables",
            "I don't need a human, the bot was fine",
            "I need a new agent for my band",
            "need someone to help carry a sofa upstairs lol",
            "chat can someone look up the price on steam?",
            "contact with the freezing agent matters",
            "call our contact person in Leeds",
            "we have what we have - a majority of humans agree",
            "where can I buy a dining table?",
            "talk is cheap",
        ] {
            assert_eq!(person_request(&Words::of(text)), None, "{text}");
        }
    }
}
