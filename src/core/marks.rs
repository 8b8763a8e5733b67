//! Staff marks and what they add up to: a staff member's judgement of one
//! member message the bot decided about, the label it gives that message for
//! `eval` and `train`, this server's precision with its uncertainty, the
//! `reply_at` the marks support, and the plain go-live recommendation.
//!
//! Owns the arithmetic and the wording; no I/O. The store keeps the marks
//! (`store::marks`), the Discord adapter collects them (`discord::marks`).

use std::fmt;

use crate::core::detect::Class;

/// What a staff member said about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// The bot replied (or in shadow would have) and it was a sales question.
    Right,
    /// The bot replied (or would have) and it was not a sales question.
    Wrong,
    /// A sales question the bot did not answer.
    Missed,
}

impl Mark {
    pub const ALL: [Mark; 3] = [Mark::Right, Mark::Wrong, Mark::Missed];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Right => "right",
            Mark::Wrong => "wrong",
            Mark::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The label the mark gives the member's message.
    pub fn label(self) -> Class {
        match self {
            Mark::Right | Mark::Missed => Class::Solicitation,
            Mark::Wrong => Class::Not,
        }
    }

    /// Whether the mark is about something the bot said (or would have).
    pub fn judges_a_reply(self) -> bool {
        matches!(self, Mark::Right | Mark::Wrong)
    }

    /// How staff see it in Discord and in listings.
    pub fn describe(self) -> &'static str {
        match self {
            Mark::Right => "right — a sales question, well answered",
            Mark::Wrong => "wrong — not a sales question",
            Mark::Missed => "missed — this was a sales question",
        }
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the bot did about the message a mark is about, as marking needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    /// It replied in public, or would have in shadow mode.
    pub replied: bool,
    /// The member's message is still stored (not past retention).
    pub text_kept: bool,
}

/// Why a mark was not recorded; each says what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Right or wrong on something the bot did not answer.
    NotAnswered,
    /// Missed on a message the bot did answer.
    Answered,
    /// Missed on one of the bot's own messages.
    BotMessage,
    /// The member's message is no longer stored.
    TextGone,
}

impl Refused {
    pub fn text(self) -> &'static str {
        match self {
            Refused::NotAnswered => {
                "Nothing to mark right or wrong here: this is not a reply of the bot (or a shadow \
                 copy of one). If the bot should have answered a member's message, use Apps ▸ \
                 Shopkeep: missed ask on that message."
            }
            Refused::Answered => {
                "The bot answered this message: mark its reply (or, in shadow mode, the staff \
                 channel's copy) right or wrong instead."
            }
            Refused::BotMessage => {
                "That is the bot's own message. Use Shopkeep: missed ask on the member's message \
                 the bot should have answered."
            }
            Refused::TextGone => {
                "The member's message is no longer stored (texts are deleted after [storage] \
                 retention), so a mark on it could not teach anything."
            }
        }
    }
}

/// Whether `mark` may be recorded on a message: right and wrong judge a
/// reply the bot made (or would have), missed a member's message it did
/// not answer. `decided` is `None` when the store has no decision about it.
pub fn check(mark: Mark, decided: Option<Decided>, bots_message: bool) -> Result<(), Refused> {
    let replied = decided.is_some_and(|d| d.replied);
    match mark {
        Mark::Right | Mark::Wrong if !replied => Err(Refused::NotAnswered),
        Mark::Right | Mark::Wrong if !decided.is_some_and(|d| d.text_kept) => {
            Err(Refused::TextGone)
        }
        Mark::Right | Mark::Wrong => Ok(()),
        Mark::Missed if bots_message => Err(Refused::BotMessage),
        Mark::Missed if replied => Err(Refused::Answered),
        Mark::Missed => Ok(()),
    }
}

/// The answer a staff member sees once their mark is recorded.
pub fn recorded_text(mark: Mark, was: Option<Mark>) -> String {
    match was {
        Some(was) if was == mark => format!("Already marked **{}**.", mark.describe()),
        Some(was) => format!("Changed from {was} to **{}**.", mark.describe()),
        None => format!(
            "Marked **{}**. Marks become this server's own precision (`shopkeep report`).",
            mark.describe()
        ),
    }
}

/// What the detector says, at the moment of marking, about a message the
/// bot recorded no decision for (a channel it does not watch, a message
/// from before it ran, or one whose record was purged).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedNow {
    pub verdict: &'static str,
    pub score: f32,
    pub cues: String,
    /// The catalogue category the text names, if any.
    pub category: Option<String>,
}

pub fn judge_now(policy: &crate::core::policy::Policy, text: &str) -> JudgedNow {
    let verdict = policy.detector.detect(text);
    JudgedNow {
        verdict: verdict.class.as_str(),
        score: verdict.score,
        cues: verdict.cue_labels(),
        category: policy.catalogue.classify(text).map(|m| m.id),
    }
}

/// Discord lets a select menu offer at most this many choices.
pub const MAX_CATEGORY_CHOICES: usize = 25;

/// The categories a "missed" mark may be given, as (id, name): the
/// catalogue's, in its order, at most [`MAX_CATEGORY_CHOICES`].
pub fn category_choices(catalogue: &crate::core::catalogue::Catalogue) -> Vec<(String, String)> {
    catalogue
        .categories()
        .iter()
        .take(MAX_CATEGORY_CHOICES)
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect()
}

/// What staff see once they picked a missed ask's category: `chosen` is
/// the category's name (`None`: not one of the catalogue's), `saved`
/// whether the mark was still there to take it.
pub fn category_answer(chosen: Option<&str>, saved: bool) -> String {
    match (chosen, saved) {
        (None, _) => "That is not one of the catalogue's categories: nothing saved.".into(),
        (Some(_), false) => "That mark is gone (erased or past retention): nothing saved.".into(),
        (Some(name), true) => format!(
            "Marked **{}**, category **{name}**.",
            Mark::Missed.describe()
        ),
    }
}

/// The reactions staff put on a bot reply (or its shadow copy) to mark it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkEmojis {
    pub right: String,
    pub wrong: String,
}

impl Default for MarkEmojis {
    fn default() -> Self {
        MarkEmojis {
            right: "✅".into(),
            wrong: "❌".into(),
        }
    }
}

impl MarkEmojis {
    /// The mark a reaction stands for. Emoji are compared without
    /// variation selectors, which clients add or drop at will.
    pub fn mark_of(&self, emoji: &str) -> Option<Mark> {
        let bare = |s: &str| s.replace('\u{fe0f}', "");
        let e = bare(emoji);
        if e == bare(&self.right) {
            Some(Mark::Right)
        } else if e == bare(&self.wrong) {
            Some(Mark::Wrong)
        } else {
            None
        }
    }
}

/// A proportion with its 95 % Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    pub hits: usize,
    pub of: usize,
}

impl Proportion {
    pub fn value(self) -> Option<f64> {
        (self.of > 0).then(|| self.hits as f64 / self.of as f64)
    }

    /// The 95 % Wilson interval; (0, 1) with nothing to go on.
    pub fn interval(self) -> (f64, f64) {
        if self.of == 0 {
            return (0.0, 1.0);
        }
        let n = self.of as f64;
        let p = self.hits as f64 / n;
        let z = 1.96_f64;
        let z2 = z * z;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

impl fmt::Display for Proportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value() {
            None => write!(f, "– (no marks)"),
            Some(v) => {
                let (lo, hi) = self.interval();
                write!(
                    f,
                    "{v:.2} ({} of {}; 95 % interval {lo:.2}–{hi:.2})",
                    self.hits, self.of
                )
            }
        }
    }
}

/// One marked message as `tune` sees it: the label staff gave it and the
/// detector's score for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub ask: bool,
    pub score: f32,
}

/// What the marks say about one candidate `reply_at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdRow {
    pub reply_at: f32,
    /// Among marked messages scoring at or above it: how many were asks.
    pub precision: Proportion,
    /// Among marked asks: how many score at or above it.
    pub recall: Proportion,
}

/// The candidate thresholds `tune` tries: 0.30 to 0.95 in steps of 0.05.
pub fn candidates() -> impl Iterator<Item = f32> {
    (6..=19).map(|i| i as f32 * 0.05)
}

/// Precision and recall of the marks at every candidate threshold.
pub fn sweep(marks: &[Scored]) -> Vec<ThresholdRow> {
    let asks = marks.iter().filter(|m| m.ask).count();
    candidates()
        .map(|t| {
            let above: Vec<_> = marks.iter().filter(|m| m.score >= t - 1e-6).collect();
            let hits = above.iter().filter(|m| m.ask).count();
            ThresholdRow {
                reply_at: t,
                precision: Proportion {
                    hits,
                    of: above.len(),
                },
                recall: Proportion { hits, of: asks },
            }
        })
        .collect()
}

/// Fewer marks than this above a threshold are too few to recommend it.
pub const MIN_MARKS: usize = 20;

/// `tune`'s answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Suggestion {
    /// The lowest threshold whose precision on the marks reaches the target
    /// with at least [`MIN_MARKS`] marks above it.
    ReplyAt(ThresholdRow),
    /// No threshold reaches the target on enough marks.
    NotEnough {
        marks: usize,
        best: Option<ThresholdRow>,
    },
}

/// The lowest candidate `reply_at` at which the marks' precision reaches
/// `target`, resting on at least [`MIN_MARKS`] marks.
pub fn suggest(rows: &[ThresholdRow], target: f64) -> Suggestion {
    let enough = |r: &&ThresholdRow| r.precision.of >= MIN_MARKS;
    if let Some(row) = rows
        .iter()
        .filter(enough)
        .find(|r| r.precision.value().is_some_and(|p| p >= target))
    {
        return Suggestion::ReplyAt(*row);
    }
    let best = rows
        .iter()
        .filter(enough)
        .max_by(|a, b| {
            let p = |r: &ThresholdRow| r.precision.value().unwrap_or(0.0);
            p(a).total_cmp(&p(b))
        })
        .copied();
    Suggestion::NotEnough {
        marks: rows.first().map_or(0, |r| r.precision.of),
        best,
    }
}

/// What happened in a period, as `shopkeep report` reads it from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Period {
    pub days: f64,
    pub shadow: bool,
    pub seen: u64,
    /// Public replies sent (live) or recorded as would-be (shadow).
    pub replies: u64,
    pub handoffs: u64,
    /// Replies held back, per limit code.
    pub held: Vec<(String, u64)>,
    pub right: u64,
    pub wrong: u64,
    pub missed: u64,
}

impl Period {
    /// This server's precision on marked replies.
    pub fn precision(&self) -> Proportion {
        Proportion {
            hits: self.right as usize,
            of: (self.right + self.wrong) as usize,
        }
    }
}

/// The precision a server should reach before it goes live.
pub const GO_LIVE_PRECISION: f64 = 0.90;
/// Marked replies a go-live recommendation must rest on.
pub const GO_LIVE_MARKS: u64 = 20;

/// The plain recommendation that ends `shopkeep report`.
pub fn recommendation(p: &Period) -> String {
    let said = if p.shadow {
        "would-be replies"
    } else {
        "replies"
    };
    let marked = p.right + p.wrong;
    let head = format!(
        "{} {:.0} days: {} {said}, staff marked {} wrong",
        if p.shadow {
            "in shadow for"
        } else {
            "live for"
        },
        p.days,
        p.replies,
        p.wrong
    );
    let precision = p.precision();
    let Some(value) = precision.value() else {
        return format!(
            "{head}. Not yet measured: no reply has been marked. Staff mark replies right or wrong \
             with ✅/❌ or the message's Apps menu; {GO_LIVE_MARKS} marks give a first figure."
        );
    };
    let (lo, _) = precision.interval();
    let measured = format!("{head}: precision {value:.2} on {marked} marks");
    if marked < GO_LIVE_MARKS {
        return format!(
            "{measured} — not yet: {GO_LIVE_MARKS} marked replies are needed before the figure means much \
             ({} more).",
            GO_LIVE_MARKS - marked
        );
    }
    match (p.shadow, value >= GO_LIVE_PRECISION) {
        (true, true) => format!(
            "{measured} (95 % interval from {lo:.2}) — ready to go live: set mode = \"live\"."
        ),
        (true, false) => format!(
            "{measured} — not yet: below {GO_LIVE_PRECISION:.2}. Run `shopkeep tune --feedback` on \
             the exported marks for a stricter reply_at, or narrow the catalogue."
        ),
        (false, true) => format!("{measured} — keep going."),
        (false, false) => format!(
            "{measured} — below {GO_LIVE_PRECISION:.2}: consider shadow mode again, or a stricter \
             reply_at from `shopkeep tune --feedback`."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_marks_category_menu_offers_the_catalogue_in_order_within_discords_limit() {
        use crate::core::catalogue::{Catalogue, Category};
        let category = |i: usize| Category {
            id: format!("c{i}"),
            name: format!("category {i}"),
            keywords: vec![format!("thing{i}")],
            link: "https://shop.example/".into(),
            template: "solicitation".into(),
            handoff_only: false,
        };
        let catalogue = Catalogue::new((0..30).map(category).collect());
        let choices = category_choices(&catalogue);
        assert_eq!(
            choices.len(),
            MAX_CATEGORY_CHOICES,
            "Discord refuses a menu of more"
        );
        assert_eq!(choices[0], ("c0".to_string(), "category 0".to_string()));
        assert_eq!(choices[24].0, "c24");
        assert!(category_choices(&Catalogue::new(vec![])).is_empty());
        assert_eq!(
            category_answer(Some("beds"), true),
            "Marked **missed — this was a sales question**, category **beds**."
        );
    }

    #[test]
    fn marks_label_the_message_right_and_missed_are_asks() {
        assert_eq!(Mark::Right.label(), Class::Solicitation);
        assert_eq!(Mark::Missed.label(), Class::Solicitation);
        assert_eq!(Mark::Wrong.label(), Class::Not);
        for m in Mark::ALL {
            assert_eq!(Mark::parse(m.as_str()), Some(m));
        }
        assert_eq!(Mark::parse("maybe"), None);
    }

    const REPLIED: Decided = Decided {
        replied: true,
        text_kept: true,
    };
    const SILENT: Decided = Decided {
        replied: false,
        text_kept: true,
    };

    #[test]
    fn right_and_wrong_judge_replies_missed_judges_silence() {
        assert_eq!(check(Mark::Wrong, Some(REPLIED), true), Ok(()));
        assert_eq!(check(Mark::Right, Some(REPLIED), false), Ok(()));
        assert_eq!(
            check(Mark::Wrong, Some(SILENT), false),
            Err(Refused::NotAnswered)
        );
        assert_eq!(check(Mark::Right, None, true), Err(Refused::NotAnswered));
        let gone = Decided {
            replied: true,
            text_kept: false,
        };
        assert_eq!(check(Mark::Wrong, Some(gone), true), Err(Refused::TextGone));
        assert_eq!(check(Mark::Missed, None, false), Ok(()));
        assert_eq!(check(Mark::Missed, Some(SILENT), false), Ok(()));
        assert_eq!(
            check(Mark::Missed, Some(REPLIED), false),
            Err(Refused::Answered)
        );
        assert_eq!(check(Mark::Missed, None, true), Err(Refused::BotMessage));
    }

    #[test]
    fn the_answer_says_whether_the_mark_is_new_changed_or_the_same() {
        assert!(recorded_text(Mark::Wrong, None)
            .starts_with("Marked **wrong — not a sales question**."));
        assert_eq!(
            recorded_text(Mark::Wrong, Some(Mark::Right)),
            "Changed from right to **wrong — not a sales question**."
        );
        assert!(recorded_text(Mark::Right, Some(Mark::Right)).starts_with("Already marked"));
    }

    #[test]
    fn reactions_match_with_or_without_the_variation_selector() {
        let e = MarkEmojis::default();
        assert_eq!(e.mark_of("✅"), Some(Mark::Right));
        assert_eq!(e.mark_of("❌\u{fe0f}"), Some(Mark::Wrong));
        assert_eq!(e.mark_of("👍"), None);
        let custom = MarkEmojis {
            right: "👍\u{fe0f}".into(),
            wrong: "👎".into(),
        };
        assert_eq!(custom.mark_of("👍"), Some(Mark::Right));
    }

    #[test]
    fn the_wilson_interval_is_wide_on_few_marks_and_narrow_on_many() {
        let few = Proportion { hits: 9, of: 10 };
        let many = Proportion {
            hits: 900,
            of: 1000,
        };
        let (a, b) = few.interval();
        let (c, d) = many.interval();
        assert!(a < 0.6 && b > 0.97, "{a} {b}");
        assert!(c > 0.87 && d < 0.92, "{c} {d}");
        assert_eq!(Proportion { hits: 0, of: 0 }.interval(), (0.0, 1.0));
        assert_eq!(
            Proportion { hits: 3, of: 4 }.to_string(),
            "0.75 (3 of 4; 95 % interval 0.30–0.95)"
        );
    }

    fn marks(asks: &[f32], nots: &[f32]) -> Vec<Scored> {
        let a = asks.iter().map(|&score| Scored { ask: true, score });
        let n = nots.iter().map(|&score| Scored { ask: false, score });
        a.chain(n).collect()
    }

    #[test]
    fn tune_suggests_the_lowest_threshold_that_reaches_the_target_on_enough_marks() {
        // 30 asks scoring 0.70..0.99, 10 wrong replies at 0.62..0.66 and
        // 2 at 0.72: at 0.6 precision is 30/42, at 0.7 it is 30/32.
        let asks: Vec<f32> = (0..30).map(|i| 0.70 + i as f32 * 0.01).collect();
        let mut nots: Vec<f32> = (0..10).map(|i| 0.62 + (i % 5) as f32 * 0.01).collect();
        nots.extend([0.72, 0.72]);
        let rows = sweep(&marks(&asks, &nots));
        match suggest(&rows, 0.9) {
            Suggestion::ReplyAt(row) => {
                assert!((row.reply_at - 0.70).abs() < 1e-6, "{row:?}");
                assert_eq!(row.precision, Proportion { hits: 30, of: 32 });
                assert_eq!(row.recall, Proportion { hits: 30, of: 30 });
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tune_refuses_to_suggest_on_too_few_marks() {
        let rows = sweep(&marks(&[0.8, 0.9, 0.95], &[0.7]));
        match suggest(&rows, 0.9) {
            Suggestion::NotEnough { marks, best } => {
                assert_eq!(marks, 4);
                assert_eq!(best, None);
            }
            other => panic!("{other:?}"),
        }
    }

    fn period(shadow: bool, replies: u64, right: u64, wrong: u64) -> Period {
        Period {
            days: 7.0,
            shadow,
            replies,
            right,
            wrong,
            ..Period::default()
        }
    }

    #[test]
    fn the_recommendation_says_ready_only_on_enough_precise_marks() {
        let ready = recommendation(&period(true, 42, 39, 3));
        assert!(
            ready.starts_with("in shadow for 7 days: 42 would-be replies, staff marked 3 wrong"),
            "{ready}"
        );
        assert!(ready.contains("precision 0.93 on 42 marks"), "{ready}");
        assert!(ready.contains("ready to go live"), "{ready}");

        let imprecise = recommendation(&period(true, 42, 30, 12));
        assert!(imprecise.contains("not yet: below 0.90"), "{imprecise}");

        let few = recommendation(&period(true, 12, 5, 0));
        assert!(
            few.contains("not yet: 20 marked replies are needed"),
            "{few}"
        );
        assert!(few.contains("(15 more)"), "{few}");

        let none = recommendation(&period(true, 12, 0, 0));
        assert!(none.contains("Not yet measured"), "{none}");

        let live = recommendation(&period(false, 50, 28, 2));
        assert!(live.starts_with("live for 7 days: 50 replies"), "{live}");
        assert!(live.ends_with("keep going."), "{live}");
    }
}
