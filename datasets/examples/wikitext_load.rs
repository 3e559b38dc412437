//! Measures how fast a WikiText-103-sized corpus loads, on a generated corpus of the same size.
//!
//! ```text
//! cargo run --release -p datasets --example wikitext_load -- generate DIR [TOKENS]
//! /usr/bin/time -v target/release/examples/wikitext_load load DIR
//! ```
//!
//! `generate` writes `wiki.train.tokens` with about TOKENS tokens (default 103,227,021, the
//! size of the WikiText-103 training split, about 540 MB) plus small validation and test files.
//! Words follow a Zipf distribution over 267,735 distinct words, WikiText-103's vocabulary size,
//! and lines alternate between empty lines and paragraphs of 0 to 200 words, so lines average
//! about 57 tokens as in WikiText-103. `load` reads the directory with `WikiText::load` and
//! prints the token counts and the time taken.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use datasets::{Split, WikiText};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Number of distinct words of WikiText-103.
const VOCABULARY: usize = 267_735;
/// Number of tokens of the WikiText-103 training split, `<eos>` included.
const WIKITEXT103_TOKENS: u64 = 103_227_021;
/// Suffixes in upper case, so that no two generated words are spelled alike.
const SUFFIXES: [&str; 6] = ["", "S", "ED", "ING", "LY", "TION"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") if args.len() >= 3 => {
            let tokens = match args.get(3) {
                Some(text) => text.parse()?,
                None => WIKITEXT103_TOKENS,
            };
            generate(Path::new(&args[2]), tokens)
        }
        Some("load") if args.len() == 3 => load(Path::new(&args[2])),
        _ => {
            eprintln!("usage: wikitext_load generate DIR [TOKENS] | wikitext_load load DIR");
            std::process::exit(2);
        }
    }
}

/// Spells the word of frequency rank `rank`: the rank in bijective base 26 (`a`, ...,
/// `z`, `aa`, ...), so frequent words are short, plus a suffix to reach WikiText's mean length.
fn spell(rank: usize) -> String {
    let mut letters = Vec::new();
    let mut n = rank + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    let stem = String::from_utf8(letters).expect("letters are ASCII");
    stem + SUFFIXES[rank % SUFFIXES.len()]
}

fn generate(dir: &Path, tokens: u64) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let words: Vec<String> = (0..VOCABULARY).map(spell).collect();
    // Zipf with exponent 1: P(rank r) is proportional to 1 / (r + 1).
    let mut cumulative = Vec::with_capacity(VOCABULARY);
    let mut total = 0.0f64;
    for r in 0..VOCABULARY {
        total += 1.0 / (r + 1) as f64;
        cumulative.push(total);
    }
    let mut rng = StdRng::seed_from_u64(103);
    let draw = |rng: &mut StdRng| {
        let u = rng.gen::<f64>() * total;
        cumulative.partition_point(|&c| c < u).min(VOCABULARY - 1)
    };

    for (name, count) in [
        ("wiki.train.tokens", tokens),
        ("wiki.valid.tokens", 217_646),
        ("wiki.test.tokens", 245_569),
    ] {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(name))?);
        let mut written = 0u64;
        let mut paragraph = false;
        while written < count {
            let length = if paragraph { rng.gen_range(0..=200) } else { 0 };
            for _ in 0..length {
                write!(out, " {}", words[draw(&mut rng)])?;
            }
            writeln!(out, " ")?;
            written += length + 1;
            paragraph = !paragraph;
        }
        out.flush()?;
        println!("wrote {name}: {written} tokens");
    }
    Ok(())
}

fn load(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let corpus = WikiText::load(dir)?;
    let seconds = start.elapsed().as_secs_f64();

    let train = corpus.split(Split::Train);
    println!("train tokens: {}", train.len());
    println!("train lines: {}", train.lines());
    println!("vocabulary: {}", corpus.vocab().len());
    println!(
        "valid unk rate: {:.4}",
        corpus.split(Split::Valid).unk_rate()
    );
    println!("test unk rate: {:.4}", corpus.split(Split::Test).unk_rate());
    println!(
        "load time: {seconds:.2} s ({:.1} M tokens/s)",
        train.len() as f64 / seconds / 1e6
    );
    Ok(())
}
