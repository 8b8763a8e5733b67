//! The detector's second stage: a small transformer encoder that reads the
//! whole message as language (all-MiniLM-L6-v2 cut to its first layers,
//! fine-tuned on real labelled messages by `tools/encoder.py`), run on the
//! CPU with candle.
//!
//! Owns turning model bytes into a ready encoder (checksum, int8
//! de-quantisation, the tokenizer, the combination with the first stage)
//! and scoring one message. It never reads files: the edge (`config`)
//! reads them and hands the bytes over; the shipped model is compiled in.
//!
//! File format (safetensors): every encoder matrix `X` is stored as `X.q8`
//! (u8, value + 128) and `X.scale` (f32, one per row); vectors are plain
//! f32. The head maps the mean-pooled token states to one logit: in
//! `shopkeep-encoder-1`, `head.weight` / `head.bias` directly; in
//! `shopkeep-encoder-2`, first `head.hidden.weight` / `head.hidden.bias`
//! and an erf GELU, then `head.weight` / `head.bias`. Metadata: `format`,
//! `layers`, `max_tokens`, `combine` ("stage1 encoder bias gate").

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, HiddenAct};
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

/// The shipped encoder and tokenizer, with the checksum recorded when the
/// weights were written.
const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("../../../models/encoder.safetensors");
const EMBEDDED_TOKENIZER: &[u8] = include_bytes!("../../../models/tokenizer.json");
const EMBEDDED_SHA256: &str = include_str!("../../../models/encoder.safetensors.sha256");

/// Longest text handed to the tokenizer, in bytes: the model reads at most
/// `max_tokens` tokens anyway, so a 4,000-character message costs no more
/// than a tweet.
const MAX_TEXT_BYTES: usize = 2_048;

/// What went wrong loading an encoder; every variant names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncoderError {
    /// The bytes do not hash to the recorded checksum (truncated, replaced
    /// or corrupted file).
    Checksum {
        file: String,
        expected: String,
        found: String,
    },
    /// The weights file is not a usable `shopkeep-encoder-1` or `-2` file.
    Weights { file: String, detail: String },
    /// The tokenizer file cannot be read or does not fit the weights.
    Tokenizer { file: String, detail: String },
}

impl fmt::Display for EncoderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncoderError::Checksum {
                file,
                expected,
                found,
            } => write!(
                f,
                "{file}: checksum mismatch: expected sha256 {expected}, found {found} \
                 (a truncated or replaced model file; rebuild it with tools/encoder.py final)"
            ),
            EncoderError::Weights { file, detail } => write!(f, "{file}: {detail}"),
            EncoderError::Tokenizer { file, detail } => write!(f, "{file}: {detail}"),
        }
    }
}

impl std::error::Error for EncoderError {}

/// How the encoder's logit joins the first stage's: messages the first
/// stage scores below `gate` are rejected without running the encoder;
/// the rest get `sigmoid(stage1 * z1 + encoder * z2 + bias)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combine {
    pub stage1: f32,
    pub encoder: f32,
    pub bias: f32,
    pub gate: f32,
}

/// A loaded encoder. Build once (it de-quantises about 20 MB of weights)
/// and share it behind an `Arc`.
pub struct Encoder {
    model: BertModel,
    /// `head.hidden.weight` transposed (384 × hidden) and its bias, in
    /// `shopkeep-encoder-2` files.
    hidden: Option<(Tensor, Tensor)>,
    head: Tensor,
    head_bias: f32,
    tokenizer: Tokenizer,
    max_tokens: usize,
    pub combine: Combine,
    /// SHA-256 of the weights file, for `check` and the logs.
    pub sha256: String,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("max_tokens", &self.max_tokens)
            .field("combine", &self.combine)
            .field("sha256", &self.sha256)
            .finish()
    }
}

impl PartialEq for Encoder {
    fn eq(&self, other: &Self) -> bool {
        self.sha256 == other.sha256
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first token of a checksum file's text (`sha256sum` writes
/// "<hex>  <name>").
pub fn recorded_checksum(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

impl Encoder {
    /// The encoder compiled into the binary, loaded once per process.
    pub fn embedded() -> Result<Arc<Encoder>, EncoderError> {
        static ONCE: OnceLock<Result<Arc<Encoder>, EncoderError>> = OnceLock::new();
        ONCE.get_or_init(|| {
            Encoder::from_bytes(
                EMBEDDED_WEIGHTS,
                "models/encoder.safetensors (embedded)",
                recorded_checksum(EMBEDDED_SHA256),
                EMBEDDED_TOKENIZER,
                "models/tokenizer.json (embedded)",
            )
            .map(Arc::new)
        })
        .clone()
    }

    /// Build an encoder from a weights file's bytes, the checksum recorded
    /// for it, and a tokenizer file's bytes. The names are only used in
    /// errors.
    pub fn from_bytes(
        weights: &[u8],
        weights_name: &str,
        expected_sha256: &str,
        tokenizer: &[u8],
        tokenizer_name: &str,
    ) -> Result<Encoder, EncoderError> {
        let found = sha256_hex(weights);
        if !found.eq_ignore_ascii_case(expected_sha256.trim()) {
            return Err(EncoderError::Checksum {
                file: weights_name.to_string(),
                expected: expected_sha256.trim().to_string(),
                found,
            });
        }
        let bad = |detail: String| EncoderError::Weights {
            file: weights_name.to_string(),
            detail,
        };
        let meta = read_metadata(weights).map_err(bad)?;
        let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(|e| bad(format!("not a safetensors file: {e}")))?;
        let tensors = dequantise(tensors).map_err(bad)?;
        let vocab = tensors
            .get("embeddings.word_embeddings.weight")
            .map(|t| t.dims()[0])
            .ok_or_else(|| bad("missing tensor embeddings.word_embeddings.weight".into()))?;
        let hidden = if meta.hidden_layer {
            let get = |name: &str| {
                tensors
                    .get(name)
                    .cloned()
                    .ok_or_else(|| bad(format!("missing tensor {name}")))
            };
            let w = get("head.hidden.weight")?;
            let b = get("head.hidden.bias")?;
            let ok = w.dims().len() == 2 && w.dims()[1] == 384 && b.dims() == [w.dims()[0]];
            if !ok {
                return Err(bad(format!(
                    "head.hidden.weight {:?} and head.hidden.bias {:?} do not map 384 values to a hidden layer",
                    w.dims(),
                    b.dims()
                )));
            }
            Some((
                w.t().map_err(|e| bad(e.to_string()))?,
                b.unsqueeze(0).map_err(|e| bad(e.to_string()))?,
            ))
        } else {
            None
        };
        let head_inputs = hidden.as_ref().map_or(384, |(w, _)| w.dims()[1]);
        let head = tensors
            .get("head.weight")
            .ok_or_else(|| bad("missing tensor head.weight".into()))
            .and_then(|t| t.flatten_all().map_err(|e| bad(e.to_string())))?;
        let head_bias = tensors
            .get("head.bias")
            .ok_or_else(|| bad("missing tensor head.bias".into()))
            .and_then(|t| {
                t.flatten_all()
                    .and_then(|t| t.to_vec1::<f32>())
                    .map_err(|e| bad(e.to_string()))
            })?
            .first()
            .copied()
            .ok_or_else(|| bad("head.bias is empty".into()))?;
        if head.dims() != [head_inputs] {
            return Err(bad(format!(
                "head.weight has {:?} values but the head's input has {head_inputs}",
                head.dims()
            )));
        }
        let config = bert_config(meta.layers, vocab);
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let model = BertModel::load(vb, &config).map_err(|e| {
            bad(format!(
                "does not hold a {}-layer encoder: {e}",
                meta.layers
            ))
        })?;
        let tokenizer = load_tokenizer(tokenizer, tokenizer_name, vocab)?;
        Ok(Encoder {
            model,
            hidden,
            head,
            head_bias,
            tokenizer,
            max_tokens: meta.max_tokens,
            combine: meta.combine,
            sha256: found,
        })
    }

    /// The encoder's logit that `text` is a solicitation.
    pub fn logit(&self, text: &str) -> f32 {
        // Candle only fails here on shape or dtype bugs, which the loading
        // checks rule out; a message must never stop the bot, so such a
        // failure reads as "no evidence" (logit 0) rather than a panic.
        self.try_logit(text).unwrap_or(0.0)
    }

    fn try_logit(&self, text: &str) -> candle_core::Result<f32> {
        let ids = self.token_ids(text);
        let n = ids.len();
        let input = Tensor::from_vec(ids, (1, n), &Device::Cpu)?;
        let types = input.zeros_like()?;
        let states = self.model.forward(&input, &types, None)?;
        let mut pooled = (states.sum(1)? / n as f64)?;
        if let Some((w, b)) = &self.hidden {
            pooled = pooled.matmul(w)?.broadcast_add(b)?.gelu_erf()?;
        }
        let z = (pooled.squeeze(0)? * &self.head)?
            .sum_all()?
            .to_scalar::<f32>()?;
        Ok(z + self.head_bias)
    }

    /// Token ids with `[CLS]` and `[SEP]`, at most `max_tokens` of them.
    fn token_ids(&self, text: &str) -> Vec<u32> {
        let text = clip(text, MAX_TEXT_BYTES);
        let mut ids = match self.tokenizer.encode(text, true) {
            Ok(e) => e.get_ids().to_vec(),
            Err(_) => Vec::new(),
        };
        if ids.len() < 2 {
            // [CLS] [SEP]: an empty or untokenisable message.
            ids = vec![101, 102];
        }
        if ids.len() > self.max_tokens {
            let sep = *ids.last().unwrap_or(&102);
            ids.truncate(self.max_tokens - 1);
            ids.push(sep);
        }
        ids
    }
}

/// The longest prefix of `text` within `max` bytes, cut at a character
/// boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

struct Meta {
    layers: usize,
    /// The head has a hidden layer (`shopkeep-encoder-2`).
    hidden_layer: bool,
    max_tokens: usize,
    combine: Combine,
}

fn read_metadata(bytes: &[u8]) -> Result<Meta, String> {
    let (_, meta) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("not a safetensors file: {e}"))?;
    let empty = HashMap::new();
    let m = meta.metadata().as_ref().unwrap_or(&empty);
    let get = |k: &str| {
        m.get(k)
            .map(String::as_str)
            .ok_or_else(|| format!("metadata lacks `{k}` (not written by tools/encoder.py)"))
    };
    let hidden_layer = match get("format")? {
        "shopkeep-encoder-1" => false,
        "shopkeep-encoder-2" => true,
        other => {
            return Err(format!(
                "format `{other}` is not shopkeep-encoder-1 or -2 (written by tools/encoder.py)"
            ))
        }
    };
    let number = |k: &str, lo: usize, hi: usize| -> Result<usize, String> {
        let v = get(k)?;
        v.parse::<usize>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .ok_or_else(|| format!("metadata `{k}` = {v:?} is not a number from {lo} to {hi}"))
    };
    let layers = number("layers", 1, 12)?;
    let max_tokens = number("max_tokens", 8, 512)?;
    let c: Vec<f32> = get("combine")?
        .split_whitespace()
        .map(|x| x.parse::<f32>().ok().filter(|v| v.is_finite()))
        .collect::<Option<Vec<f32>>>()
        .filter(|v| v.len() == 4)
        .ok_or_else(|| {
            "metadata `combine` must be four numbers: stage1 encoder bias gate".to_string()
        })?;
    Ok(Meta {
        layers,
        hidden_layer,
        max_tokens,
        combine: Combine {
            stage1: c[0],
            encoder: c[1],
            bias: c[2],
            gate: c[3],
        },
    })
}

/// Turn every `X.q8` + `X.scale` pair into the f32 matrix `X`.
fn dequantise(mut t: HashMap<String, Tensor>) -> Result<HashMap<String, Tensor>, String> {
    let names: Vec<String> = t
        .keys()
        .filter_map(|k| k.strip_suffix(".q8").map(str::to_string))
        .collect();
    for name in names {
        let q = t.remove(&format!("{name}.q8")).expect("listed above");
        let scale = t
            .remove(&format!("{name}.scale"))
            .ok_or_else(|| format!("tensor {name}.q8 has no {name}.scale"))?;
        let m = q
            .to_dtype(DType::F32)
            .and_then(|q| q.affine(1.0, -128.0))
            .and_then(|q| q.broadcast_mul(&scale.unsqueeze(1)?))
            .map_err(|e| format!("tensor {name}: {e}"))?;
        t.insert(name, m);
    }
    Ok(t)
}

fn bert_config(layers: usize, vocab: usize) -> Config {
    let mut c: Config = serde_json::from_value(serde_json::json!({
        "vocab_size": vocab,
        "hidden_size": 384,
        "num_hidden_layers": layers,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "classifier_dropout": null,
        "model_type": "bert"
    }))
    .expect("a valid BERT config");
    c.hidden_act = HiddenAct::Gelu;
    c
}

fn load_tokenizer(bytes: &[u8], name: &str, vocab: usize) -> Result<Tokenizer, EncoderError> {
    let bad = |detail: String| EncoderError::Tokenizer {
        file: name.to_string(),
        detail,
    };
    let mut t = Tokenizer::from_bytes(bytes).map_err(|e| bad(format!("not a tokenizer: {e}")))?;
    // The file sets padding to 128 tokens: one message needs none.
    t.with_padding(None);
    t.with_truncation(None)
        .map_err(|e| bad(format!("cannot turn truncation off: {e}")))?;
    let size = t.get_vocab_size(true);
    if size != vocab {
        return Err(bad(format!(
            "has {size} tokens but the weights expect {vocab}: they do not belong together"
        )));
    }
    Ok(t)
}
