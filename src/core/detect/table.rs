//! The frame table: every ask, plan and context pattern the detector knows,
//! with its cue id and weight (log-odds). Written in word classes so each
//! line covers many phrasings; literal words only where the word itself is
//! the signal.
//!
//! Owns the data only; the pattern language lives in `frames.rs`.

use super::frames::{Frame, Guard, Obj, Role, E::*};
use super::lexicon::*;

const fn f(id: &'static str, weight: f32, role: Role, pat: &'static [super::frames::E]) -> Frame {
    Frame {
        id,
        weight,
        role,
        pat,
        q: false,
        obj: Obj::Check,
        negatable: false,
        start: false,
        guard: Guard::None,
    }
}
type P = &'static [super::frames::E];
/// An ask whose object is checked (goods or support?).
const fn ask(id: &'static str, w: f32, pat: P) -> Frame {
    f(id, w, Role::Ask, pat)
}
/// An ask that names its own object (a pitch, a quote).
const fn own(id: &'static str, w: f32, pat: P) -> Frame {
    Frame {
        obj: Obj::Own,
        ..f(id, w, Role::Ask, pat)
    }
}
/// An ask that only counts in a question.
const fn askq(id: &'static str, w: f32, pat: P) -> Frame {
    Frame {
        q: true,
        ..f(id, w, Role::Ask, pat)
    }
}
/// A generic ask that needs goods nearby; a negator cancels it.
const fn need(id: &'static str, w: f32, q: bool, pat: P) -> Frame {
    Frame {
        q,
        obj: Obj::Need,
        negatable: true,
        ..f(id, w, Role::Ask, pat)
    }
}
/// A verb-headed ask ("looking to buy"); a negator cancels it.
const fn verb(id: &'static str, w: f32, obj: Obj, pat: P) -> Frame {
    Frame {
        obj,
        negatable: true,
        ..f(id, w, Role::Ask, pat)
    }
}
/// A stated plan to buy.
const fn plan(id: &'static str, pat: P) -> Frame {
    Frame {
        negatable: true,
        ..f(id, 1.2, Role::Intent, pat)
    }
}
/// Message-wide context.
const fn ctx(id: &'static str, w: f32, pat: P) -> Frame {
    f(id, w, Role::Context, pat)
}
/// Message-wide context that only counts outside questions.
const fn stmt(id: &'static str, w: f32, pat: P) -> Frame {
    Frame {
        q: true,
        ..f(id, w, Role::Context, pat)
    }
}
const fn first(frame: Frame) -> Frame {
    Frame {
        start: true,
        ..frame
    }
}
const fn guarded(guard: Guard, frame: Frame) -> Frame {
    Frame { guard, ..frame }
}
const fn needing(frame: Frame) -> Frame {
    Frame {
        obj: Obj::Need,
        ..frame
    }
}

const CHOOSE_V: u128 = CHOOSE | ACQ | SWITCH;
/// Words that open a clause rather than name a thing.
const FUNCTION: u128 = AUX
    | MODAL
    | WHICH
    | WHO
    | WHERE
    | HOW
    | WHEN
    | WHY
    | SELF
    | YOU
    | ANYONE
    | THIS
    | MY
    | NEG
    | GREET;

#[rustfmt::skip]
pub static FRAMES: &[Frame] = &[
    // Where to buy, who sells, who offers.
    ask("ask.where_to_buy", 3.8, &[C(WHERE), G(4, MY | NEG), C(ACQ | ACQ_ING)]),
    ask("ask.where_to_buy", 3.6, &[C(WHERE), G(4, MY | NEG), C(SELL)]),
    needing(askq("ask.where_to_buy", 3.0, &[C(WHERE), G(3, MY | NEG | ARTICLE), A(&["look", "shop", "go"])])),
    ask("ask.where_to_buy", 3.2, &[C(ANY | BEST), C(STORE)]),
    askq("ask.where_to_buy", 3.2, &[A(&["there", "theres"]), G(2, NEG | MY), C(STORE)]),
    needing(askq("ask.where_to_buy", 2.8, &[A(&["there", "theres"]), A(&["anywhere", "anyone", "somewhere", "someone", "any"])])),
    Frame { negatable: false, ..need("ask.where_to_start", 2.8, false, &[C(WHERE | WHICH), G(4, NEG | MY), W("start")]) },
    askq("ask.who_sells", 3.5, &[C(WHO | ANYONE), G(5, MY | NEG | SELF), C(SELL)]),
    needing(askq("ask.who_offers", 3.0, &[C(WHO), G(4, NEG), C(BEST | DEAL | PRICE | SALES | SWITCH | PITCH)])),
    needing(askq("ask.who_offers", 2.8, &[C(WHO), C(MODAL), C(SELF), A(&["talk", "speak", "contact", "call", "go"])])),
    // Recommendations and experience.
    askq("ask.recommend", 3.6, &[C(MODAL), G(2, NEG), C(RECV)]),
    askq("ask.recommend", 3.6, &[C(WHICH), G(4, NEG), C(RECV)]),
    // "Anyone recommend a pram that…": the modal dropped.
    need("ask.recommend", 3.4, false, &[C(ANYONE), G(1, NEG), C(RECV)]),
    verb("ask.recommend", 3.2, Obj::Check, &[C(RECV), W("me")]),
    // "I should be grateful if someone could recommend…": a polite ask.
    need("ask.recommend", 3.2, false, &[W("if"), C(ANYONE | YOU), C(MODAL), G(1, NEG), C(RECV)]),
    verb("ask.recommend", 3.2, Obj::Check, &[A(&["advice", "guide"]), W("me")]),
    first(need("ask.recommend", 3.0, false, &[C(RECV)])),
    need("ask.recommend", 3.0, false, &[A(&["drop", "share", "post", "list"]), A(&["your", "ur"])]),
    need("ask.recommend", 3.0, false, &[W("tell"), W("me"), G(1, 0), C(WHICH | BEST | WHERE | ARTICLE | WHY)]),
    need("ask.recommendations", 3.2, false, &[C(ANY), G(2, NEG), C(RECN)]),
    need("ask.recommendations", 3.0, false, &[C(NEED), G(3, NEG), C(RECN)]),
    need("ask.recommendations", 3.0, false, &[A(&["love", "appreciate"]), G(2, NEG), C(RECN)]),
    need("ask.recommendations", 3.0, false, &[C(RECN), A(&["welcome", "appreciated", "please", "pls"])]),
    need("ask.recommendations", 3.0, false, &[C(RECN), C(AUX), A(&["welcome", "appreciated"])]),
    need("ask.recommendations", 3.0, false, &[W("open"), C(TO), C(RECN | DEAL)]),
    need("ask.recommendations", 2.6, false, &[W("all"), W("ears")]),
    need("ask.recommendations", 2.8, true, &[C(RECN), A(&["for", "on", "about"])]),
    first(need("ask.recommendations", 2.6, true, &[C(RECN)])),
    // "dashcam recs?", "recommendations for a hotel in lisbon": a noun phrase
    // headed by the ask, with or without a question mark.
    first(need("ask.recommendations", 2.6, true, &[N(FUNCTION | RECN | NEG), G(2, FUNCTION), C(RECN)])),
    first(need("ask.recommendations", 2.6, false, &[C(RECN), C(FOR)])),
    // "gift ideas for a 12yo who…": a noun phrase headed by the ask.
    first(need("ask.recommendations", 2.6, false, &[N(FUNCTION | RECN | NEG), G(1, FUNCTION), C(RECN), C(FOR)])),
    // "tent, 2 person, under 2kg, under £200", "projector for garden movie
    // nights, bright at dusk": a bare thing with its requirements. Alone it
    // stays below the line; a budget or a requirement pushes it over.
    guarded(Guard::NotAVerbForm, first(needing(ask("ask.noun_phrase", 2.4, &[N(FUNCTION | NEG | COMPLAIN | ACQ_PAST | BEST | SUPPORT | HOWTO | RECN | GREET | PROMO), G(1, FUNCTION | COMPLAIN | ACQ_PAST | PROMO), A(&["for", "that", "thats", "with", "under"])])))),
    // "need something for my mum's 70th"
    guarded(Guard::NotInQuestion, verb("ask.need_item", 2.8, Obj::Check, &[C(NEED), A(&["something", "anything"]), A(&["for", "nice", "good", "decent", "cheap", "special", "that"])])),
    // "after a plasterer for two rooms in Hove": British for "looking for".
    first(verb("ask.looking_for", 2.6, Obj::Need, &[W("after"), A(&["a", "an", "some", "any"])])),
    // "quotes wanted:", "road bike wanted"
    own("ask.in_the_market", 3.0, &[C(PRICE | RECN | SALES), W("wanted")]),
    // "anyone free to quote for…"
    own("ask.quote", 3.0, &[C(ANYONE | YOU), G(3, NEG), W("to"), A(&["quote", "price"])]),
    // "cheapest place to print 200 flyers", "best site for glasses"
    ask("ask.where_to_buy", 3.0, &[C(BEST), A(&["place", "places", "site", "sites", "website", "websites"]), W("to"), C(ACQ)]),
    needing(ask("ask.where_to_buy", 2.8, &[C(BEST), A(&["site", "sites", "website", "websites"]), A(&["to", "for"])])),
    // "finally shipping to Australia??"
    askq("ask.stock", 2.8, &[A(&["shipping", "ship", "deliver", "delivering"]), W("to"), N(MY)]),
    // "gym membership near canary wharf …?", "piano lessons for an adult
    // beginner in york?": a bare noun phrase with its requirements, asked.
    guarded(Guard::NotAVerbForm, first(needing(askq("ask.noun_phrase", 2.6, &[N(FUNCTION | NEG | COMPLAIN | ACQ_PAST | BEST | SUPPORT | HOWTO), G(2, FUNCTION | COMPLAIN | ACQ_PAST), A(&["for", "near", "in", "under", "with", "around"])])))),
    // "need a sofa that …", "need 4 winter tyres for …": a bare need for a
    // thing (not "need a new …", which is a plan); requirements push it over.
    // "digital piano under 500 with weighted keys": a price-bounded thing.
    guarded(Guard::NotAVerbForm, first(needing(ask("ask.noun_phrase", 2.6, &[N(FUNCTION | NEG | COMPLAIN | ACQ_PAST | BEST | SUPPORT | HOWTO), G(2, FUNCTION | COMPLAIN | ACQ_PAST), A(&["under", "below"]), O(CURRENCY), C(NUM)])))),
    needing(askq("ask.anyone_know", 2.6, &[C(ANYONE), W("know"), C(ARTICLE), N(FUNCTION | NEG | BEST | SUPPORT)])),
    guarded(Guard::NotInQuestion, verb("ask.need_item", 2.8, Obj::Check, &[C(NEED), C(ARTICLE | NUM), N(FUNCTION | NEWISH | NEG)])),
    first(need("ask.anyone", 2.6, true, &[C(ANYONE), End])),
    need("ask.anyone", 2.6, true, &[C(COMMA), C(ANYONE), End]),
    need("ask.recommend", 3.0, false, &[A(&["point", "direct", "steer"]), W("me"), A(&["to", "towards", "toward", "at", "in"])]),
    need("ask.experience", 2.6, true, &[C(ANYONE), G(2, NEG), A(&["used", "tried", "have", "own", "using", "had", "got", "bought"])]),
    need("ask.experience", 2.4, false, &[A(&["love", "like", "want"]), W("to"), A(&["hear", "know"])]),
    // Choosing between products or providers.
    ask("ask.which_to_choose", 3.6, &[C(WHICH | WHO), G(4, NEG | MY), C(MODAL), C(SELF | YOU), G(2, NEG), C(CHOOSE_V)]),
    ask("ask.which_to_choose", 3.4, &[C(WHICH), G(4, NEG | MY), C(TO), C(CHOOSE_V)]),
    askq("ask.which_to_choose", 3.0, &[C(WHICH | WHO), G(3, NEG | MY), C(AUX), G(4, NEG), A(&["use", "using", "recommend", "trust", "get", "prefer", "wear", "wearing", "drive", "driving", "ride", "riding", "fly", "flying", "bank", "banking", "insure", "shop", "feeding", "buying", "getting", "running"])]),
    askq("ask.which_to_choose", 3.0, &[C(MODAL), C(YOU | ANYONE), G(1, NEG), A(&["go", "pick", "choose", "opt", "get", "buy"])]),
    ask("ask.which_to_choose", 3.4, &[W("help"), W("me"), G(1, 0), C(CHOOSE | ACQ)]),
    askq("ask.which_product", 2.8, &[C(WHICH), G(3, NEG | MY), C(SALES)]),
    askq("ask.which_product", 2.6, &[C(ANY), G(1, NEG | MY), C(SALES)]),
    // "…under £100. which one?": a choice among things described nearby.
    needing(askq("ask.which_product", 2.6, &[C(WHICH), A(&["one", "ones"])])),
    // "sunscreen that doesn't leave a white cast?", "a dishwasher that's
    // actually quiet, under 45dB?": a thing described by what it must do.
    guarded(Guard::NotAVerbForm, first(needing(askq("ask.noun_phrase", 2.6, &[N(FUNCTION | NEG | COMPLAIN | ACQ_PAST | BEST | SUPPORT | HOWTO | RECN), G(3, FUNCTION | COMPLAIN | ACQ_PAST), A(&["that", "thats", "which", "who"]), G(1, 0), A(&["doesnt", "dont", "wont", "isnt", "actually", "works", "fits", "can", "has", "is", "will", "does", "lasts"])])))),
    guarded(Guard::NotAfterHow, askq("ask.should_i_buy", 3.0, &[C(MODAL), C(SELF), G(2, NEG | MY), C(ACQ | SWITCH)])),
    guarded(Guard::NotAfterHow, askq("ask.should_i_buy", 3.0, &[C(MODAL), C(SELF), G(1, NEG | MY), A(&["go", "pick", "choose", "opt"]), A(&["for", "with"])])),
    askq("ask.best", 2.8, &[C(WHICH), G(3, NEG | MY), C(BEST)]),
    askq("ask.best", 2.6, &[C(BEST), G(3, NEG | MY), A(&["for", "under", "to", "around", "near", "in"])]),
    needing(askq("ask.best", 2.8, &[C(ANY), C(BEST)])),
    first(needing(askq("ask.best", 2.8, &[C(BEST), G(4, NEG | MY), End]))),
    askq("ask.best", 2.8, &[C(ANYONE), W("know"), G(3, NEG | MY | WHY | HOW), C(BEST | SALES)]),
    askq("ask.where_to_buy", 3.0, &[C(ANYONE), W("know"), C(ARTICLE | ANY), G(2, NEG | MY), C(STORE)]),
    ask("ask.compare", 3.6, &[A(&["torn", "deciding", "choosing", "debating", "undecided"]), W("between")]),
    ask("ask.compare", 3.0, &[W("vs")]),
    // "iphone 15 vs pixel 8 for photos": two named things weighed.
    first(ask("ask.compare", 3.6, &[N(FUNCTION), G(3, FUNCTION), W("vs"), N(FUNCTION)])),
    // "PS5 or Series X for a 12 year old": two things weighed for a use.
    first(ask("ask.compare", 3.5, &[N(FUNCTION), G(2, FUNCTION), W("or"), N(FUNCTION), G(2, FUNCTION), W("for")])),
    askq("ask.compare", 2.8, &[C(BEST), W("than")]),
    needing(askq("ask.compare", 2.8, &[W("difference"), W("between")])),
    first(askq("ask.compare", 3.0, &[N(FUNCTION), G(7, NEG | MY | SELF), W("or")])),
    first(needing(askq("ask.compare", 2.4, &[C(AUX), G(10, NEG | MY | SELF), W("or")]))),
    // Price, deals, stock and pre-sales logistics.
    ask("ask.price", 3.2, &[W("how"), W("much"), C(AUX | FOR | TO | MODAL)]),
    askq("ask.price", 3.0, &[C(WHICH), G(3, MY), C(PRICE)]),
    // "what would you charge to service…", "how much do you charge for…"
    askq("ask.price", 3.0, &[C(WHICH | HOW), G(1, 0), C(MODAL | AUX), C(YOU), W("charge")]),
    askq("ask.price", 3.0, &[A(&["run", "cost", "set"]), W("me")]),
    verb("ask.price", 3.2, Obj::Check, &[A(&["tell", "share", "send", "give"]), G(2, NEG | MY), C(PRICE)]),
    first(askq("ask.price", 2.8, &[C(PRICE)])),
    verb("ask.quote", 3.6, Obj::Own, &[W("quote"), W("me")]),
    verb("ask.quote", 3.2, Obj::Own, &[A(&["send", "give", "dm", "email", "get", "show"]), W("me"), G(3, NEG), C(PRICE | DEAL)]),
    // "I would be grateful if you could provide pricing for…"
    verb("ask.quote", 3.2, Obj::Own, &[C(YOU), C(MODAL), G(1, NEG), A(&["provide", "send", "give", "share", "email", "quote"]), G(3, NEG), C(PRICE | DEAL)]),
    verb("ask.quote", 3.6, Obj::Own, &[A(&["like", "want", "need", "love"]), G(2, 0), A(&["quote", "quotes", "quotation", "proposal", "pricing", "estimate"])]),
    verb("ask.deal", 3.0, Obj::Check, &[A(&["any", "anything"]), G(2, NEG | MY), C(DEAL | STOCK)]),
    ask("ask.deal", 3.0, &[C(BEST), C(DEAL | PRICE), A(&["for", "on", "in"])]),
    askq("ask.deal", 2.8, &[C(PRES_AUX), G(7, MY | NEG), C(DEAL | PRICE)]),
    askq("ask.deal", 2.8, &[W("got"), G(2, NEG | MY), C(DEAL)]),
    askq("ask.deal", 2.8, &[C(ANYONE), G(4, NEG | MY), C(DEAL)]),
    askq("ask.deal", 2.6, &[C(ANYONE), W("know"), W("if"), G(6, NEG | MY), C(DEAL)]),
    askq("ask.stock", 3.0, &[W("in"), W("stock")]),
    askq("ask.stock", 3.0, &[W("back"), W("in")]),
    askq("ask.stock", 3.0, &[C(WHEN), G(5, MY | NEG), C(STOCK)]),
    // "when's the winter sale?", "is it going to be in the spring sale?"
    askq("ask.deal", 2.8, &[C(WHEN), G(5, MY | NEG), C(DEAL)]),
    askq("ask.deal", 2.8, &[W("going"), W("to"), W("be"), G(4, MY | NEG), C(DEAL)]),
    // "does ikea still sell the poäng", "do they still make the blue one?"
    askq("ask.stock", 3.0, &[C(AUX), G(4, MY | NEG | SELF), W("still"), A(&["sell", "stock", "carry", "make", "do", "offer", "have"])]),
    askq("ask.stock", 2.8, &[C(AUX), G(8, MY | NEG), C(AVAIL)]),
    askq("ask.stock", 3.0, &[C(AUX | MODAL), C(YOU), G(1, NEG), C(STOCK | SELL)]),
    askq("ask.stock", 2.8, &[C(ANY), W("chance"), G(6, MY | NEG), C(STOCK | DEAL | PRICE)]),
    askq("ask.stock", 2.8, &[C(AUX), W("there"), W("be"), W("more")]),
    // "who's taking commissions?", "are you accepting new clients?"
    askq("ask.stock", 2.8, &[C(WHO | ANYONE | YOU | AUX), G(2, NEG), A(&["taking", "accepting"]), G(1, 0), A(&["commissions", "orders", "bookings", "clients", "customers", "students", "patients", "preorders"])]),
    // "do any of the local farms do veg boxes?"
    needing(askq("ask.do_you_have", 2.4, &[C(AUX), W("any"), G(4, NEG | MY), A(&["do", "sell", "offer", "stock", "make", "have", "carry", "deliver"])])),
    askq("ask.which_product", 2.8, &[A(&["is", "are"]), W("there"), G(2, MY | NEG), C(SALES)]),
    askq("ask.product_detail", 2.8, &[C(AUX), G(6, MY | NEG), W("come"), A(&["with", "in", "assembled", "flat", "built", "pre", "fully"])]),
    // "do the chelsea boots run narrow?", "does it come up big?": fit and sizing.
    askq("ask.product_detail", 2.8, &[C(AUX), G(4, MY | NEG), A(&["run", "come", "fit", "fits", "runs", "comes"]), O(0), A(&["small", "big", "large", "narrow", "wide", "true", "up", "short", "long", "tight", "snug"])]),
    askq("ask.delivery", 3.0, &[C(MODAL), C(SELF), A(&["collect", "pickup", "reserve"])]),
    askq("ask.payment", 3.0, &[C(MODAL), C(SELF), W("pay"), A(&["with", "by", "in", "using", "via", "through", "monthly", "yearly", "annually", "upfront", "later", "cash", "instalments", "installments"])]),
    needing(askq("ask.do_you_have", 2.2, &[C(AUX | MODAL | YOU), G(1, NEG), C(YOU | ANYONE), G(1, NEG), A(&["have", "carry", "offer", "make", "do", "got", "sell", "stock"])])),
    askq("ask.how_to_buy", 3.0, &[C(HOW), G(3, MY | NEG), A(&["buy", "get", "purchase", "order", "book", "subscribe", "preorder", "rent", "lease", "hire", "finance", "afford"])]),
    askq("ask.how_to_buy", 3.0, &[C(HOW), G(3, MY | NEG), A(&["sign", "open", "join"]), A(&["up", "account"])]),
    needing(askq("ask.worth_it", 2.8, &[C(WORTH)])),
    // "worth upgrading from the 12 or wait": asked without a question mark.
    first(ask("ask.worth_it", 3.0, &[C(WORTH), C(ACQ_ING | SWITCH)])),
    first(ask("ask.worth_it", 3.0, &[C(WORTH), A(&["paying", "spending", "the"]), G(1, 0), A(&["for", "extra", "money", "price", "cost", "hype", "upgrade"])])),
    needing(ask("ask.worth_it", 2.8, &[C(WORTH), W("the"), A(&["money", "price", "cost", "hype", "extra"])])),
    // "Jordan 4s under retail anywhere??"
    needing(askq("ask.where_to_buy", 2.6, &[W("anywhere"), End])),
    // "is there a pizza place that delivers to…": a seller described.
    needing(askq("ask.where_to_buy", 2.8, &[A(&["there", "theres"]), G(3, NEG | MY), A(&["place", "places", "shop", "company", "firm", "restaurant", "takeaway", "service"]), A(&["that", "who", "which"])])),
    verb("ask.before_buying", 3.6, Obj::Own, &[W("before"), C(SELF), G(1, NEG), C(ACQ | SWITCH)]),
    Frame { q: true, ..verb("ask.before_buying", 3.6, Obj::Own, &[W("before"), C(ACQ_ING)]) },
    Frame { obj: Obj::Own, ..askq("ask.before_buying", 3.0, &[W("if"), C(SELF), G(1, NEG), C(ACQ)]) },
    // Buying wants.
    verb("ask.want_to_buy", 2.8, Obj::Check, &[C(NEED | LOOK), C(TO), C(ACQ)]),
    verb("ask.want_to_buy", 2.8, Obj::Check, &[C(NEED | LOOK), C(TO), A(&["open", "join"])]),
    // "trying to find a dog food for…"
    verb("ask.want_to_buy", 2.8, Obj::Check, &[A(&["trying", "hoping", "struggling"]), C(TO), C(ACQ)]),
    // "Wanted: second-hand road bike, 54cm": a marketplace heading.
    first(own("ask.in_the_market", 3.2, &[W("wanted"), N(TO | SELF | MY | THIS | YOU)])),
    verb("ask.who_sells", 3.2, Obj::Check, &[W("if"), C(ANYONE), G(2, NEG), C(SELL)]),
    verb("ask.in_the_market", 3.6, Obj::Own, &[W("in"), W("the"), W("market"), W("for")]),
    verb("ask.looking_for", 3.0, Obj::Need, &[C(LOOK), C(FOR)]),
    verb("ask.looking_for", 3.0, Obj::Need, &[W("in"), W("need"), W("of")]),
    verb("ask.looking_for", 3.0, Obj::Need, &[A(&["searching", "hunting"]), C(ARTICLE)]),
    verb("ask.looking_for", 2.4, Obj::Check, &[W("shopping"), A(&["around", "for"])]),
    // Pitch invitations.
    own("ask.pitch", 3.4, &[A(&["convince", "sell", "pitch", "persuade"]), W("me")]),
    own("ask.pitch", 3.0, &[C(BEST), A(&["offer", "offers", "proposal", "proposals", "package", "terms", "bundle"])]),
    own("ask.pitch", 3.2, &[A(&["win", "earn", "deserves", "wants", "gets"]), W("my"), A(&["business", "money", "custom"])]),
    own("ask.pitch", 3.0, &[W("why"), A(&["should", "would"]), C(SELF), G(2, NEG), C(CHOOSE_V)]),
    own("ask.pitch", 2.8, &[W("make"), W("me"), G(1, 0), W("offer")]),
    own("ask.pitch", 3.0, &[A(&["pitch", "beat"]), A(&["away", "it", "this", "that", "them"])]),
    own("ask.pitch", 3.2, &[C(WHICH), A(&["can", "could", "will"]), C(YOU), A(&["do", "offer", "give"]), G(1, 0), W("me")]),
    own("ask.pitch", 3.0, &[W("calling"), W("all")]),
    own("ask.pitch", 3.0, &[W("make"), A(&["your", "ur"]), A(&["case", "pitch", "offer"])]),
    own("ask.pitch", 3.0, &[A(&["beat", "match"]), G(3, NEG), C(NUM | PRICE | DEAL | PCT)]),
    // Plans to buy (Intent).
    plan("intent.plan", &[C(PLAN), G(2, NEG | MY), C(ACQ | ACQ_ING | SWITCH | LOOK)]),
    plan("intent.plan", &[C(PLAN), G(2, NEG | MY), A(&["sign", "open", "join", "treat"])]),
    plan("intent.plan", &[C(SELF), A(&["might", "may", "will", "ll", "should"]), G(1, NEG), C(ACQ | SWITCH)]),
    plan("intent.need_new", &[C(NEED), G(2, NEG | MY), C(NEWISH)]),
    plan("intent.plan", &[C(ACQ_ING), G(7, NEG), C(FUT_T)]),
    plan("intent.plan", &[C(NEWISH), G(3, NEG), C(FUT_T)]),
    plan("intent.plan", &[A(&["im", "were", "i", "we"]), O(AUX), C(ACQ_ING | SWITCH)]),
    plan("intent.plan", &[A(&["decided", "deciding"]), G(3, NEG), C(CHOOSE | ACQ)]),
    plan("intent.plan", &[A(&["treat", "treating"]), A(&["myself", "ourselves"])]),
    plan("intent.plan", &[A(&["taking", "take"]), W("the"), W("plunge")]),
    plan("intent.plan", &[A(&["adding", "add", "putting"]), G(4, NEG), A(&["basket", "cart", "wishlist", "order"])]),
    plan("intent.plan", &[W("saving"), W("up"), W("for")]),
    plan("intent.plan", &[W("time"), W("to"), C(ACQ | SWITCH)]),
    // Message-wide context, mostly reasons to stay silent.
    ctx("ctx.budget", 0.6, &[A(&["under", "below", "max", "budget", "around", "upto"]), O(CURRENCY), C(NUM)]),
    ctx("ctx.deciding", 0.6, &[A(&["trying", "cant", "cannot", "help"]), G(1, 0), A(&["decide", "choose", "pick"])]),
    ctx("ctx.will_pay", 0.8, &[A(&["happy", "willing", "ready", "will", "ll", "id"]), O(TO), A(&["pay", "spend"])]),
    ctx("neg.past_purchase", -1.5, &[A(&["i", "we", "just", "already", "finally"]), G(2, NEG), C(ACQ_PAST)]),
    ctx("neg.past_purchase", -1.5, &[A(&["ive", "weve"]), G(1, 0), A(&["bought", "ordered", "purchased", "paid", "booked", "preordered"])]),
    ctx("neg.past_purchase", -1.5, &[C(ACQ_PAST), G(3, 0), C(PAST_T)]),
    first(ctx("neg.past_purchase", -1.5, &[A(&["bought", "ordered", "purchased", "booked", "preordered", "subscribed", "rented", "leased", "financed"])])),
    ctx("neg.billing", -2.5, &[A(&["been", "was", "got", "were", "being"]), A(&["charged", "billed", "debited", "overcharged"])]),
    stmt("neg.past_purchase", -2.0, &[A(&["ended", "end"]), W("up"), A(&["going", "getting", "buying", "with", "choosing", "picking", "ordering"])]),
    ctx("neg.never_again", -3.5, &[W("never"), G(2, 0), C(ACQ | ACQ_ING | ACQ_PAST)]),
    ctx("neg.never_again", -3.0, &[A(&["last", "final"]), W("time"), C(SELF), G(1, 0), C(ACQ_PAST | ACQ)]),
    ctx("neg.order_reference", -2.5, &[C(OWNABLE), G(1, 0), C(NUM | HASHTAG)]),
    ctx("neg.complaint", -1.5, &[W("still"), G(2, 0), A(&["waiting", "havent", "hasnt", "not", "no", "nothing"])]),
    ctx("neg.complaint", -1.5, &[C(NEG), G(1, 0), A(&["work", "working", "works", "arrived", "received", "charging"])]),
    ctx("neg.complaint", -1.5, &[A(&["stopped", "quit"]), A(&["working", "charging"])]),
    ctx("neg.complaint", -1.5, &[A(&["keeps", "kept"]), C(ACQ_ING | COMPLAIN)]),
    ctx("neg.owned_item", -1.0, &[C(MY), G(1, 0), C(OWNABLE)]),
    stmt("neg.advice", -3.0, &[C(YOU), A(&["should", "must", "gotta", "need"]), G(2, 0), C(CHOOSE_V)]),
    stmt("neg.advice", -3.0, &[A(&["dont", "never"]), C(ACQ)]),
    stmt("neg.advice", -3.0, &[C(SELF), G(2, 0), C(RECV)]),
    ctx("neg.advice", -3.0, &[C(NEG), G(1, 0), C(RECV)]),
    ctx("neg.advice", -3.0, &[W("highly"), C(RECV)]),
    ctx("neg.advice", -2.5, &[W("if"), C(YOU | ANYONE), G(2, 0), C(LOOK | NEED)]),
    ctx("neg.advice", -2.5, &[W("if"), A(&["youre", "your"])]),
    ctx("neg.advice", -2.5, &[C(ANYONE), A(&["asking", "wondering"])]),
    ctx("neg.advice", -2.0, &[W("whatever"), C(YOU), C(CHOOSE_V)]),
    ctx("neg.chat", -1.5, &[C(ANYONE), A(&["else", "elses"])]),
    // "which one of you left the fridge open": a question to people.
    ctx("neg.chat", -3.0, &[C(WHICH), W("one"), W("of"), A(&["you", "us", "yall", "them"])]),
    // "my accountant charged me 400": a bill, not an offer.
    ctx("neg.billing", -2.0, &[W("charged"), A(&["me", "us", "him", "her", "them"])]),
    // "recommend this lot 100%": praise.
    stmt("neg.advice", -3.0, &[W("recommend"), A(&["this", "these", "them", "it", "him", "her", "highly"])]),
    ctx("neg.rhetorical", -2.5, &[A(&["hypothetical", "hypothetically"])]),
    // "I don't need recommendations, I just…"
    ctx("neg.not_looking", -3.0, &[C(SELF), C(NEG), C(NEED), G(1, 0), C(RECN)]),
    ctx("neg.owned_item", -2.5, &[C(SELF), O(AUX), A(&["have", "own", "got", "bought", "had", "tried"]), W("both")]),
    ctx("neg.chat", -2.0, &[C(WHICH), G(2, 0), C(AUX), C(YOU | ANYONE), A(&["have", "got", "own"])]),
    ctx("neg.price_complaint", -2.0, &[C(PRICE), G(3, 0), A(&["wrong", "went", "gone", "increased", "doubled", "higher", "hike", "hiked"])]),
    ctx("neg.survey", -3.0, &[C(RECV), G(3, 0), W("to"), G(1, 0), A(&["friend", "friends", "colleague", "colleagues"])]),
    ctx("neg.support_request", -2.0, &[A(&["need", "want", "trying", "have", "how"]), G(2, 0), A(&["return", "exchange", "refund", "cancel", "swap"])]),
    ctx("neg.advice", -2.5, &[W("whoever"), A(&["asked", "asking", "was", "said"])]),
    ctx("neg.complaint", -1.5, &[W("charged"), A(&["twice", "double", "again"])]),
    ctx("neg.promotion", -3.0, &[W("dm"), W("us")]),
    ctx("neg.free", -2.0, &[W("not"), W("paying")]),
    ctx("neg.free", -2.0, &[C(NEG), W("want"), W("to"), W("pay"), W("for")]),
    ctx("neg.advice", -2.5, &[W("before"), C(YOU), C(ACQ)]),
    first(ctx("neg.advice", -1.5, &[W("check"), W("out")])),
    stmt("neg.promotion", -3.5, &[A(&["use", "promo", "discount"]), W("code")]),
    stmt("neg.promotion", -3.5, &[C(PCT), W("off")]),
    ctx("neg.promotion", -3.5, &[W("link"), W("in"), W("bio")]),
    ctx("neg.promotion", -3.0, &[W("dm"), G(1, 0), A(&["for", "to"])]),
    stmt("neg.promotion", -3.5, &[A(&["shop", "buy", "order"]), W("now")]),
    stmt("neg.promotion", -3.0, &[W("for"), W("sale")]),
    stmt("neg.promotion", -3.5, &[C(SELF), G(1, 0), A(&["selling", "sell", "offer", "ship"])]),
    ctx("neg.promotion", -3.0, &[W("selling"), C(MY)]),
    // "what's a fair price to sell my 3080": the author is the seller.
    ctx("neg.seller", -3.0, &[A(&["sell", "flog", "offload"]), C(MY)]),
    // "best price for my old PS4", "how much should I ask for it", "worth
    // selling my cards", "thinking of selling", "asking price": the seller.
    ctx("neg.seller", -3.0, &[C(PRICE | BEST), G(2, 0), W("for"), C(MY), G(1, 0), A(&["old", "used", "spare", "current"])]),
    // ("who do I ask for a quote?" and "can I ask for a discount?" are buyers.)
    ctx("neg.seller", -3.0, &[W("much"), C(MODAL), C(SELF), A(&["ask", "charge", "list", "get"])]),
    ctx("neg.seller", -3.0, &[C(WHICH), C(MODAL), C(SELF), A(&["ask", "charge"]), A(&["for", "it", "them"])]),
    ctx("neg.seller", -3.0, &[A(&["worth", "thinking", "considering", "about"]), G(1, 0), W("selling")]),
    ctx("neg.seller", -3.0, &[W("asking"), W("price")]),
    ctx("neg.seller", -3.0, &[W("list"), C(MY)]),
    // "for my dissertation", "pub quiz question": research, not a want.
    ctx("neg.research", -3.0, &[A(&["dissertation", "thesis", "blog", "quiz", "coursework", "assignment", "homework"])]),
    ctx("neg.rhetorical", -2.5, &[A(&["kidding", "jk", "sarcasm"])]),
    // "what's a fair price to sell a 2 year old ipad"
    ctx("neg.seller", -3.0, &[C(PRICE | WORTH), G(2, 0), W("to"), A(&["sell", "list", "flog", "ask"])]),
    // "the best thing you've ever bought": chat about the past.
    ctx("neg.chat", -2.5, &[A(&["youve", "ive", "weve", "theyve"]), W("ever"), C(ACQ_PAST)]),
    // The author sells; "anyone got one they wanna sell" is a buyer.
    ctx("neg.promotion", -3.0, &[C(SELF), G(2, 0), W("want"), W("to"), W("sell")]),
    ctx("neg.promotion", -3.0, &[W("want"), W("to"), W("sell"), C(MY | THIS | ARTICLE)]),
    ctx("neg.promotion", -3.0, &[A(&["trying", "hoping", "looking"]), W("to"), W("sell")]),
    ctx("neg.advice", -2.5, &[A(&["keeps", "kept", "always", "was", "were"]), W("asking")]),
    ctx("neg.advice", -2.5, &[W("told"), A(&["him", "her", "them", "my"])]),
    // "just get whatever is cheapest": advice in the imperative.
    stmt("neg.advice", -2.5, &[W("just"), C(ACQ), A(&["whatever", "the", "one", "a", "it"])]),
    // "anyone remember what phones cost in 2005?": nostalgia, not a want.
    ctx("neg.chat", -2.5, &[C(ANYONE | YOU), W("remember")]),
    // "any ideas what broke?", "any suggestions why it keeps…": a diagnosis.
    ctx("neg.support_request", -2.0, &[C(ANY), C(RECN), C(WHICH | WHY), N(TO | SALES | BEST)]),
    ctx("neg.free", -2.5, &[A(&["borrow", "lend"])]),
    // "would anyone buy a used kayak for 200?", "what would you pay for…":
    // the author is the seller.
    ctx("neg.seller", -3.0, &[A(&["would", "will", "wud"]), C(ANYONE), G(1, 0), A(&["buy", "pay", "want"])]),
    ctx("neg.seller", -3.0, &[W("what"), C(MODAL), C(YOU | ANYONE), W("pay")]),
    ctx("ctx.requirement", 0.5, &[A(&["must", "pref", "ideally", "preferably", "prefer"])]),
    ctx("ctx.requirement", 0.5, &[A(&["that", "which"]), A(&["can", "doesnt", "isnt", "wont", "fits", "handles", "has", "does"])]),
    ctx("neg.promotion", -3.5, &[C(ANYONE | YOU), G(1, 0), C(NEED), W("to"), W("buy")]),
    ctx("neg.promotion", -3.0, &[W("limited"), A(&["time", "stock", "offer"])]),
    stmt("neg.promotion", -2.0, &[W("free"), W("shipping")]),
    ctx("neg.promotion", -2.5, &[A(&["dont", "never"]), W("miss")]),
    ctx("neg.contest", -3.5, &[A(&["rt", "retweet", "follow", "like", "tag", "enter", "comment"]), G(3, 0), W("win")]),
    ctx("neg.contest", -3.0, &[W("pick"), W("me")]),
    ctx("neg.contest", -3.0, &[A(&["entered", "tagging", "tagged"])]),
    ctx("neg.contest", -2.5, &[W("to"), A(&["win", "enter"])]),
    ctx("neg.rhetorical", -3.0, &[W("who"), G(2, 0), A(&["buys", "pays", "needs"])]),
    ctx("neg.rhetorical", -3.0, &[W("who"), A(&["would", "even", "tf"]), G(1, 0), C(ACQ)]),
    ctx("neg.rhetorical", -3.0, &[W("why"), A(&["would", "does", "do"]), C(ANYONE | YOU), G(2, 0), C(ACQ)]),
    ctx("neg.rhetorical", -2.5, &[W("imagine"), G(1, 0), C(ACQ_ING | ACQ)]),
    ctx("neg.rhetorical", -2.0, &[W("/"), W("s")]),
    ctx("neg.rhetorical", -1.5, &[W("asking"), W("for"), W("a"), W("friend")]),
    ctx("neg.not_looking", -3.5, &[W("just"), A(&["browsing", "looking", "window"])]),
    ctx("neg.not_looking", -3.5, &[W("not"), A(&["buying", "shopping", "switching", "planning"])]),
    ctx("neg.not_looking", -3.5, &[W("not"), A(&["looking", "planning", "wanting"]), W("to"), A(&["buy", "switch", "go", "move", "sell", "purchase", "upgrade", "order"])]),
    ctx("neg.not_looking", -3.5, &[W("not"), W("looking"), W("for"), A(&["anything", "recommendations", "suggestions", "recs"])]),
    ctx("neg.not_looking", -3.5, &[W("not"), W("interested"), End]),
    ctx("neg.not_looking", -3.5, &[W("not"), W("interested"), W("in"), C(ACQ_ING | ANY)]),
    ctx("neg.not_looking", -2.5, &[W("no"), A(&["thanks", "thx", "thank"])]),
    ctx("neg.not_looking", -1.5, &[W("just"), W("curious")]),
    ctx("neg.wish", -2.0, &[W("take"), W("my"), W("money")]),
    ctx("neg.wish", -1.0, &[C(SELF), W("wish")]),
];
