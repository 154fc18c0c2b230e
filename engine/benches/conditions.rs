//! Evaluations per second of activation conditions, one core, no framework.
//!
//! `cargo bench -p loupe-engine --bench conditions [-- FILTER...]`. Targets: 200,000/s for
//! Rekognition example 1 against 20 labels, 20,000/s for an `ImportantFormKeyConfidenceCheck` on
//! a 300-block form. The evaluation is single-threaded, so a rate is one core's worth.
//!
//! What is measured is pinned: every case's inputs are built here, deterministically, and before
//! timing the case checks the decision and the selection it expects, so a change that made a case
//! cheaper by deciding differently fails instead of looking fast.
//!
//! Each case runs [`ROUNDS`] timed rounds after a warm-up and prints the median rate per second
//! of on-CPU time (what one core does; on a shared machine the wall clock also counts time spent
//! waiting for a core), the spread of the rounds, and the median wall-clock rate. The verdict
//! uses the on-CPU median. Pin the process to one core for the steadiest numbers:
//! `taskset -c 1 target/release/deps/conditions-<hash> --bench`.
//!
//! For instruction counts, `--iterations=N` runs each selected case exactly N times untimed,
//! inside [`fixed_count`], which callgrind can be told to count alone:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='conditions::fixed_count*' \
//!     target/release/deps/conditions-<hash> --iterations=1000 "example 1, 20 labels: decision only"
//! ```
//!
//! and the total divided by N is instructions per evaluation.

use std::hint::black_box;
use std::time::{Duration, Instant};

use loupe_engine::conditions::{CompiledConditions, Inference, RequestSource};
use serde_json::{Value, json};

/// Shared with the tests, which check what this document decides.
const REKOGNITION_EXAMPLE_1: &str = include_str!("../tests/fixtures/rekognition_example_1.json");

/// Every label at 75 or more.
const REKOGNITION_EXAMPLE_2: &str = r#"{ "Conditions": [ { "ConditionType": "ModerationLabelConfidenceCheck",
    "ConditionParameters": { "ModerationLabelName": "*", "ConfidenceGreaterThanEquals": 75 } } ] }"#;

const PAY_DATE_CHECK: &str = r#"{ "Conditions": [
  { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
      "ImportantFormKey": "Pay Date", "ImportantFormKeyAliases": ["PayDate", "DateOfPay", "pay-date"],
      "KeyValueBlockConfidenceLessThan": 65, "WordBlockConfidenceLessThan": 85 } } ] }"#;

const ANY_KEY_CHECK: &str = r#"{ "Conditions": [ { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
    "ImportantFormKey": "*", "KeyValueBlockConfidenceLessThan": 60, "WordBlockConfidenceLessThan": 90 } } ] }"#;

/// 20 labels, the two of example 1 among them.
fn twenty_labels() -> Value {
    let mut labels: Vec<Value> = (0..18)
        .map(|i| {
            json!({"confidence": 50.0 + f64::from(i) * 2.5, "name": format!("Moderation Label {i}"),
                   "parentName": "Suggestive", "taxonomyLevel": 2})
        })
        .collect();
    labels.insert(5, json!({"confidence": 93.125, "name": "Graphic Male Nudity", "parentName": "Explicit Nudity", "taxonomyLevel": 3}));
    labels.insert(12, json!({"confidence": 71.5, "name": "Graphic Female Nudity", "parentName": "Explicit Nudity", "taxonomyLevel": 3}));
    json!({"moderationLabels": labels, "moderationModelVersion": "7.0"})
}

fn uuid(n: usize) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        n * 2_654_435_761 % 0xffff_ffff,
        n % 0xffff,
        n % 0xfff,
        (n * 7) % 0xfff,
        n * 40_503
    )
}

/// A 300-block form: a PAGE, 30 fields of KEY, VALUE, two LINEs, two key and two value WORDs,
/// and 59 LINE blocks of running text. "Pay Date" is field 17.
fn form_of_300_blocks() -> Value {
    let geometry = json!({"boundingBox": {"width": 0.12, "height": 0.02, "left": 0.1, "top": 0.3},
                          "polygon": [{"x": 0.1, "y": 0.3}, {"x": 0.22, "y": 0.3}, {"x": 0.22, "y": 0.32}, {"x": 0.1, "y": 0.32}]});
    let mut next = 0;
    let mut id = || {
        next += 1;
        uuid(next)
    };
    let page = id();
    let mut blocks = vec![];
    let mut page_children = vec![];
    for field in 0..30 {
        let key_text = if field == 17 {
            "Pay Date".to_owned()
        } else {
            format!("Field {field}")
        };
        let (key, value) = (id(), id());
        let key_words: Vec<String> = (0..2).map(|_| id()).collect();
        let value_words: Vec<String> = (0..2).map(|_| id()).collect();
        let (key_line, value_line) = (id(), id());
        let low = f64::from(field % 7) * 10.0 + 30.0;
        blocks.push(json!({"blockType": "KEY_VALUE_SET", "entityTypes": ["KEY"], "id": key, "confidence": low,
            "geometry": geometry, "page": 1,
            "relationships": [{"type": "VALUE", "ids": [value]}, {"type": "CHILD", "ids": key_words}]}));
        blocks.push(json!({"blockType": "KEY_VALUE_SET", "entityTypes": ["VALUE"], "id": value, "confidence": low + 2.0,
            "geometry": geometry, "page": 1, "relationships": [{"type": "CHILD", "ids": value_words}]}));
        for (word_id, text) in key_words.iter().zip(key_text.split(' ')) {
            blocks.push(json!({"blockType": "WORD", "id": word_id, "text": text, "confidence": 99.1, "textType": "PRINTED",
                               "geometry": geometry, "page": 1}));
        }
        for (i, word_id) in value_words.iter().enumerate() {
            blocks.push(json!({"blockType": "WORD", "id": word_id, "text": format!("v{field}-{i}"), "confidence": 70.0 + low / 10.0,
                               "textType": "PRINTED", "geometry": geometry, "page": 1}));
        }
        blocks.push(json!({"blockType": "LINE", "id": key_line, "text": key_text, "confidence": 99.0, "geometry": geometry,
                           "page": 1, "relationships": [{"type": "CHILD", "ids": key_words}]}));
        blocks.push(json!({"blockType": "LINE", "id": value_line, "text": "value", "confidence": 99.0, "geometry": geometry,
                           "page": 1, "relationships": [{"type": "CHILD", "ids": value_words}]}));
        page_children.extend([key_line, value_line]);
    }
    for _ in 0..59 {
        let line = id();
        blocks.push(json!({"blockType": "LINE", "id": line, "text": "Lorem ipsum", "confidence": 98.0, "geometry": geometry, "page": 1}));
        page_children.push(line);
    }
    blocks.insert(
        0,
        json!({"blockType": "PAGE", "id": page, "geometry": geometry, "page": 1,
                            "relationships": [{"type": "CHILD", "ids": page_children}]}),
    );
    assert_eq!(blocks.len(), 300);
    json!({"blocks": blocks, "documentMetadata": {"pages": 1}})
}

/// Nanoseconds this thread has run on a CPU, from Linux's schedstat; `None` elsewhere. On a
/// shared machine this, unlike the wall clock, does not count time spent waiting for a core.
fn on_cpu_nanos() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Timed rounds per case; the median is reported.
const ROUNDS: usize = 7;
/// Time per round, and before the first round to warm caches and the branch predictor.
const ROUND: Duration = Duration::from_millis(300);

/// Evaluations per second in one round: of wall-clock time and, where known, of on-CPU time.
#[derive(Debug, Clone, Copy)]
struct Round {
    wall: f64,
    cpu: Option<f64>,
}

/// Runs `evaluate` in batches for about `budget`.
fn round(budget: Duration, evaluate: &mut dyn FnMut() -> bool) -> Round {
    let start = Instant::now();
    let cpu_start = on_cpu_nanos();
    let mut done = 0u64;
    while start.elapsed() < budget {
        for _ in 0..256 {
            black_box(evaluate());
        }
        done += 256;
    }
    let wall = done as f64 / start.elapsed().as_secs_f64();
    let cpu = cpu_start
        .zip(on_cpu_nanos())
        .filter(|(from, to)| to > from)
        .map(|(from, to)| done as f64 / ((to - from) as f64 / 1e9));
    Round { wall, cpu }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `evaluate` exactly `n` times; the function callgrind counts in `--iterations` mode.
#[inline(never)]
fn fixed_count(n: u64, evaluate: &mut dyn FnMut() -> bool) {
    for _ in 0..n {
        black_box(evaluate());
    }
}

struct Options {
    /// `--iterations=N`: run each case N times untimed instead of measuring.
    iterations: Option<u64>,
    /// Other arguments select the cases whose names contain one of them.
    filters: Vec<String>,
}

impl Options {
    /// `cargo bench` passes `--bench`, which is ignored.
    fn from_args() -> Self {
        let mut options = Self {
            iterations: None,
            filters: Vec::new(),
        };
        for arg in std::env::args().skip(1) {
            if let Some(n) = arg.strip_prefix("--iterations=") {
                options.iterations = Some(n.parse().expect("--iterations=N takes a number"));
            } else if !arg.starts_with("--") {
                options.filters.push(arg.to_lowercase());
            }
        }
        options
    }

    fn selected(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f))
    }
}

/// `1234567.8` as `1,234,568`.
fn grouped(rate: f64) -> String {
    let digits = format!("{rate:.0}");
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Measures (or, with `--iterations`, just runs) one case and prints its line.
fn case(options: &Options, name: &str, target: Option<f64>, mut evaluate: impl FnMut() -> bool) {
    if !options.selected(name) {
        return;
    }
    if let Some(n) = options.iterations {
        fixed_count(n, &mut evaluate);
        println!("{name:<57} ran {n} times");
        return;
    }
    round(ROUND, &mut evaluate);
    let rounds: Vec<Round> = (0..ROUNDS).map(|_| round(ROUND, &mut evaluate)).collect();
    let wall = median(rounds.iter().map(|r| r.wall).collect());
    let cpus: Option<Vec<f64>> = rounds.iter().map(|r| r.cpu).collect();
    let (rate, spread) = match cpus {
        Some(cpus) => {
            let low = cpus.iter().copied().fold(f64::MAX, f64::min);
            let high = cpus.iter().copied().fold(0.0, f64::max);
            (median(cpus), format!("{}-{}", grouped(low), grouped(high)))
        }
        // No on-CPU clock here: the wall clock stands in.
        None => (wall, "(wall clock)".to_owned()),
    };
    let verdict = match target {
        Some(target) if rate >= target => format!("{}: met", grouped(target)),
        Some(target) => format!("{}: NOT MET", grouped(target)),
        None => String::new(),
    };
    let line = format!(
        "{name:<57} {:>9} {spread:>19} {:>9}  {verdict}",
        grouped(rate),
        grouped(wall)
    );
    println!("{}", line.trim_end());
}

fn main() {
    let options = Options::from_args();
    if options.iterations.is_none() {
        println!(
            "Evaluations per second on one core: median, and slowest to fastest, of {ROUNDS} rounds of {} ms,",
            ROUND.as_millis()
        );
        println!(
            "per second of this thread's on-CPU time; the wall-clock median also counts waiting for a core."
        );
        println!(
            "{:<57} {:>9} {:>19} {:>9}  target",
            "case", "on-CPU/s", "rounds", "wall/s"
        );
    }

    let example_1 =
        CompiledConditions::compile(RequestSource::RekognitionModeration, REKOGNITION_EXAMPLE_1)
            .unwrap();
    let labels = twenty_labels();
    let report = example_1
        .evaluate(Inference::new(&labels))
        .unwrap()
        .report();
    assert!(report.activated);
    let selected = &report.selected_ai_service_response.unwrap()["moderationLabels"];
    assert_eq!(selected.as_array().unwrap().len(), 1);
    assert_eq!(selected[0]["name"], "Graphic Male Nudity");
    case(
        &options,
        "Rekognition example 1, 20 labels: decision only",
        Some(200_000.0),
        || {
            example_1
                .evaluate(Inference::new(black_box(&labels)))
                .unwrap()
                .is_activated()
        },
    );
    case(
        &options,
        "Rekognition example 1, 20 labels: decision + report",
        None,
        || {
            example_1
                .evaluate(Inference::new(black_box(&labels)))
                .unwrap()
                .report()
                .activated
        },
    );

    let any_label =
        CompiledConditions::compile(RequestSource::RekognitionModeration, REKOGNITION_EXAMPLE_2)
            .unwrap();
    let report = any_label
        .evaluate(Inference::new(&labels))
        .unwrap()
        .report();
    // The labels from 75 up: 8 of the 18 numbered ones, and "Graphic Male Nudity".
    let selected = &report.selected_ai_service_response.unwrap()["moderationLabels"];
    assert_eq!(selected.as_array().unwrap().len(), 9);
    case(
        &options,
        "Rekognition example 2 (\"*\"), 20 labels: decision only",
        None,
        || {
            any_label
                .evaluate(Inference::new(black_box(&labels)))
                .unwrap()
                .is_activated()
        },
    );

    let form = form_of_300_blocks();
    let pay_date =
        CompiledConditions::compile(RequestSource::TextractForms, PAY_DATE_CHECK).unwrap();
    let report = pay_date.evaluate(Inference::new(&form)).unwrap().report();
    assert!(report.activated);
    // Field 17: its KEY and VALUE blocks and two words each.
    assert_eq!(selected_blocks(&report.selected_ai_service_response), 6);
    case(
        &options,
        "Textract \"Pay Date\" check, 300 blocks: decision only",
        Some(20_000.0),
        || {
            pay_date
                .evaluate(Inference::new(black_box(&form)))
                .unwrap()
                .is_activated()
        },
    );
    case(
        &options,
        "Textract \"Pay Date\" check, 300 blocks: decision + report",
        None,
        || {
            pay_date
                .evaluate(Inference::new(black_box(&form)))
                .unwrap()
                .report()
                .activated
        },
    );

    let any_key = CompiledConditions::compile(RequestSource::TextractForms, ANY_KEY_CHECK).unwrap();
    let report = any_key.evaluate(Inference::new(&form)).unwrap().report();
    assert!(report.activated);
    // The fields whose confidences start at 30, 40 and 50 (14 of 30), six blocks each.
    assert_eq!(
        selected_blocks(&report.selected_ai_service_response),
        14 * 6
    );
    case(
        &options,
        "Textract \"*\" check, 30 keys, 300 blocks: decision only",
        None,
        || {
            any_key
                .evaluate(Inference::new(black_box(&form)))
                .unwrap()
                .is_activated()
        },
    );
}

fn selected_blocks(selected: &Option<Value>) -> usize {
    selected.as_ref().unwrap()["blocks"]
        .as_array()
        .unwrap()
        .len()
}
