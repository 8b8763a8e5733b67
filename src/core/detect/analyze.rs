//! From tokens to evidence: gives every token its word classes (expanding
//! slang), recognises configured brand and competitor names as mentions,
//! cuts the message into sentences (question or statement), and runs every
//! frame over every sentence.
//!
//! Owns the compiled model (lexicon, frame index, brand matcher). Computes
//! no score; `score.rs` weighs what is found here.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::frames::{match_at, Frame, Guard, Hit, Role, TokView, E, FRAMES};
use super::lexicon::*;
use super::sentences::{sentences, Sentence};
use crate::core::normalize::{tokenize, Kind, Tokens};

/// One classified token.
#[derive(Debug, Clone, Copy)]
pub struct Tok<'a> {
    pub w: &'a str,
    pub cls: u128,
}

impl TokView for Tok<'_> {
    fn word(&self) -> &str {
        self.w
    }
    fn classes(&self) -> u128 {
        self.cls
    }
}

/// A frame match placed in its sentence.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub hit: Hit,
    pub sentence: usize,
    pub negated: bool,
}

impl Found {
    pub fn frame(&self) -> &'static Frame {
        &FRAMES[self.hit.frame as usize]
    }
}

/// Everything the scorer needs about one message.
#[derive(Debug)]
pub struct Analysis<'a> {
    pub toks: Vec<Tok<'a>>,
    pub sentences: Vec<Sentence>,
    pub found: Vec<Found>,
    /// Distinct mentions: @handles, user/role mentions, brand and competitor names.
    pub mentions: usize,
    pub mentions_brand: bool,
    pub competitors: Vec<String>,
}

/// Distinct mentions beyond this many change nothing; the cap keeps a
/// message of 500 mentions linear.
const MAX_HANDLES: usize = 8;

/// The compiled language model and brand matcher.
#[derive(Debug, Clone)]
pub struct Model {
    lex: Lexicon,
    by_bit: Vec<Vec<u16>>,
    by_word: FnvMap<&'static str, Vec<u16>>,
    /// Frames that may start at any token (their first element is optional
    /// or negative).
    always: Vec<u16>,
    names: Option<AhoCorasick>,
    /// For each name pattern: `None` for the brand, `Some(i)` for competitor i.
    owners: Vec<Option<usize>>,
    competitors: Vec<String>,
}

impl Model {
    pub fn new(brand: &[String], competitors: &[String]) -> Self {
        let lex = Lexicon::new();
        let mut by_bit = vec![Vec::new(); 128];
        let mut by_word: FnvMap<&'static str, Vec<u16>> = FnvMap::default();
        let mut always = Vec::new();
        for (i, frame) in FRAMES.iter().enumerate() {
            match frame.pat.first() {
                Some(E::C(c)) => bits(*c).for_each(|b| by_bit[b].push(i as u16)),
                Some(E::W(w)) => by_word.entry(w).or_default().push(i as u16),
                Some(E::A(ws)) => ws
                    .iter()
                    .for_each(|w| by_word.entry(*w).or_default().push(i as u16)),
                _ => always.push(i as u16),
            }
        }
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        let named = brand.iter().map(|n| (None, n));
        for (owner, name) in named.chain(competitors.iter().enumerate().map(|(i, n)| (Some(i), n)))
        {
            let t = tokenize(name);
            if !t.text.is_empty() {
                patterns.push(t.text);
                owners.push(owner);
            }
        }
        let names = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Model {
            lex,
            by_bit,
            by_word,
            always,
            names,
            owners,
            competitors: competitors.to_vec(),
        }
    }

    /// Classify tokens, find names, sentences and frames.
    pub fn analyze<'a>(&'a self, tokens: &'a Tokens) -> Analysis<'a> {
        let mut toks = Vec::with_capacity(tokens.tokens.len() + 4);
        let mut offsets = Vec::with_capacity(tokens.tokens.len() + 4);
        let mut handles: Vec<&str> = Vec::new();
        let mut quoted = false;
        let mut quoted_line = false;
        let quotes = tokens
            .tokens
            .iter()
            .filter(|t| tokens.text_of(t) == "\"")
            .count();
        for t in &tokens.tokens {
            let text = tokens.text_of(t);
            // "> which broadband is best": a line quoted from someone else.
            if text == ">" && toks.last().map_or(true, |p: &Tok| p.w == "\n") {
                quoted_line = true;
            } else if text == "\n" {
                quoted_line = false;
            }
            if t.kind == Kind::Punct && text == "\"" {
                quoted = !quoted && quotes % 2 == 0;
                continue;
            }
            let before = toks.len();
            offsets.push(t.start);
            match t.kind {
                Kind::Word => self.push_word(text, &mut toks, &mut offsets, t.start),
                Kind::Mention => {
                    if handles.len() < MAX_HANDLES && !handles.contains(&text) {
                        handles.push(text);
                    }
                    toks.push(Tok {
                        w: text,
                        cls: MENTION,
                    });
                }
                _ => toks.push(Tok {
                    w: text,
                    cls: other_classes(t.kind, text, &self.lex),
                }),
            }
            if quoted || quoted_line {
                toks[before..].iter_mut().for_each(|t| t.cls |= QUOTED);
            }
        }
        nouns_after_determiners(&mut toks);
        let (mentions_brand, competitors) = self.names(tokens, &offsets, &mut toks, &mut handles);
        let sentences = sentences(&toks);
        let found = self.frames(&toks, &sentences);
        Analysis {
            toks,
            sentences,
            found,
            mentions: handles.len(),
            mentions_brand,
            competitors,
        }
    }

    fn push_word<'a>(
        &'a self,
        text: &'a str,
        toks: &mut Vec<Tok<'a>>,
        offsets: &mut Vec<u32>,
        at: u32,
    ) {
        match self.lex.get(text) {
            Some((
                _,
                Entry {
                    expand: Some(words),
                    ..
                },
            )) => {
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        offsets.push(at);
                    }
                    toks.push(Tok {
                        w,
                        cls: self.lex.classes(w),
                    });
                }
            }
            Some((key, e)) => toks.push(Tok {
                w: key,
                cls: e.classes,
            }),
            None => toks.push(Tok { w: text, cls: 0 }),
        }
    }

    /// Mark configured brand and competitor names as mentions.
    fn names<'a>(
        &self,
        tokens: &'a Tokens,
        offsets: &[u32],
        toks: &mut [Tok<'a>],
        handles: &mut Vec<&'a str>,
    ) -> (bool, Vec<String>) {
        let mut brand = false;
        let mut comps: Vec<String> = Vec::new();
        let Some(ac) = &self.names else {
            return (brand, comps);
        };
        let bytes = tokens.text.as_bytes();
        for m in ac.find_iter(&tokens.text) {
            let bounded = (m.start() == 0 || bytes[m.start() - 1] == b' ')
                && (m.end() == bytes.len() || bytes[m.end()] == b' ');
            if !bounded {
                continue;
            }
            match self.owners[m.pattern().as_usize()] {
                None => brand = true,
                Some(i) if !comps.contains(&self.competitors[i]) => {
                    comps.push(self.competitors[i].clone())
                }
                Some(_) => {}
            }
            let name = &tokens.text[m.start()..m.end()];
            if handles.len() < MAX_HANDLES && !handles.contains(&name) {
                handles.push(name);
            }
            let first = offsets.partition_point(|&o| (o as usize) < m.start());
            let last = offsets.partition_point(|&o| (o as usize) < m.end());
            toks[first..last].iter_mut().for_each(|t| t.cls |= MENTION);
        }
        (brand, comps)
    }

    /// Run every frame at every token of every sentence.
    fn frames(&self, toks: &[Tok], sentences: &[Sentence]) -> Vec<Found> {
        let mut found = Vec::new();
        for (si, s) in sentences.iter().enumerate() {
            let sent = &toks[s.start..s.end];
            for i in 0..sent.len() {
                let mut tried = [0u128; 2];
                let t = sent[i];
                let bits = bits(t.cls).flat_map(|b| self.by_bit[b].iter());
                let words = self.by_word.get(t.w).into_iter().flatten();
                for &fi in bits.chain(words).chain(self.always.iter()) {
                    let (slot, bit) = (fi as usize / 128, 1u128 << (fi % 128));
                    if tried[slot] & bit != 0 {
                        continue;
                    }
                    tried[slot] |= bit;
                    if let Some(f) = place(fi, sent, i, s, si) {
                        found.push(f);
                    }
                }
            }
        }
        found
    }
}

/// Match frame `fi` at sentence token `i`, applying its placement rules.
fn place(fi: u16, sent: &[Tok], i: usize, s: &Sentence, si: usize) -> Option<Found> {
    let frame = &FRAMES[fi as usize];
    if frame.start && s.start + i != s.content {
        return None;
    }
    match frame.role {
        Role::Ask if frame.q && !s.question => return None,
        Role::Context if frame.q && s.question => return None,
        _ => {}
    }
    if frame.role == Role::Ask && sent[i].cls & QUOTED != 0 {
        return None;
    }
    let refused = match frame.guard {
        Guard::None => false,
        Guard::NotInQuestion => s.question,
        Guard::NotAVerbForm => verb_then_link(sent, i),
        Guard::NotAfterHow => i > 0 && sent[i - 1].cls & HOW != 0,
    };
    if refused {
        return None;
    }
    let end = match_at(frame.pat, sent, i)?;
    if phrasal_get(sent, end - 1) {
        return None;
    }
    // "should I switch back": returning to what one had.
    if sent[end - 1].cls & SWITCH != 0 && sent.get(end).is_some_and(|t| t.w == "back") {
        return None;
    }
    let negated = frame.negatable
        && sent[i.saturating_sub(2)..i]
            .iter()
            .any(|t| t.cls & NEG != 0);
    let hit = Hit {
        frame: fi,
        start: (s.start + i) as u32,
        end: (s.start + end) as u32,
    };
    Some(Found {
        hit,
        sentence: si,
        negated,
    })
}

/// A verb form ("asking", "warned") directly followed by a linking word.
fn verb_then_link(sent: &[Tok], i: usize) -> bool {
    let w = sent[i].w;
    (w.ends_with("ing") || w.ends_with("ed"))
        && sent.get(i + 1).is_some_and(|t| {
            matches!(
                t.w,
                "for"
                    | "that"
                    | "thats"
                    | "with"
                    | "under"
                    | "near"
                    | "in"
                    | "around"
                    | "which"
                    | "who"
            )
        })
}

/// "the shop", "my order", "a book": a buying word right after a
/// determiner is a noun, not a verb ("where is the shop" asks for directions).
fn nouns_after_determiners(toks: &mut [Tok]) {
    for i in 1..toks.len() {
        // "brand new": an adjective, not a brand.
        if toks[i].w == "new" && toks[i - 1].w == "brand" {
            toks[i - 1].cls &= !SALES;
        }
        let det = |j: usize| toks[j].cls & (ARTICLE | MY) != 0;
        // "the club shop": one modifier may sit between.
        let modified = i >= 2 && det(i - 2) && toks[i - 1].cls & !(SALES | NONCOM) == 0;
        if toks[i].cls & ACQ != 0 && (det(i - 1) || modified) {
            toks[i].cls &= !ACQ;
        }
        // "best way to store", "place to watch": after "to" it is a verb.
        if toks[i - 1].w == "to" && toks[i].cls & (ACQ | ACQ_ING | SELL) == 0 {
            toks[i].cls &= !(SALES | STORE);
        }
    }
}

/// Words that name goods or their terms (see `object::GOODS`).
const GOODS_WORDS: u128 = SALES | PRICE | DEAL | STOCK | NEWISH | MONEY | STORE;

/// "get it out", "get rid of", "get to the station", "get someone to call
/// me back": `get` that is not an acquisition.
pub fn phrasal_get(sent: &[Tok], i: usize) -> bool {
    if !matches!(sent[i].w, "get" | "getting") {
        return false;
    }
    if sent.get(i + 1).is_some_and(|t| t.cls & GET_AWAY != 0) {
        return true;
    }
    // Causative: "get my toddler to sleep", "get them to call me".
    let someone = sent
        .get(i + 1)
        .is_some_and(|t| t.cls & (MY | THIS | ANYONE) != 0 || matches!(t.w, "him" | "her"));
    // "getting a newborn to sleep" (but "get a laptop to code on").
    let a_someone = sent.get(i + 1).is_some_and(|t| t.cls & ARTICLE != 0)
        && sent.get(i + 2).is_some_and(|t| t.cls & GOODS_WORDS == 0)
        && sent.get(i + 3).is_some_and(|t| t.w == "to");
    if a_someone {
        return true;
    }
    if someone && sent[i + 1..].iter().take(4).any(|t| t.w == "to") {
        return true;
    }
    let particles = [
        "out", "off", "back", "rid", "working", "fixed", "done", "removed", "sorted",
    ];
    sent[i + 1..]
        .iter()
        .take(5)
        .any(|t| particles.contains(&t.w))
}

fn other_classes(kind: Kind, text: &str, lex: &Lexicon) -> u128 {
    match kind {
        Kind::Number if text.ends_with('k') => NUM | MONEY,
        Kind::Number => NUM,
        Kind::Url => URL,
        Kind::Hashtag => HASHTAG | lex.classes(text),
        _ => match text {
            "?" => QEND,
            "." | "!" | "\n" => END,
            "," | ";" | "-" => COMMA,
            "%" => PCT,
            "$" => CURRENCY,
            _ => 0,
        },
    }
}
