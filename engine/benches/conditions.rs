//! Evaluations per second of activation conditions, one core, no framework.
//!
//! `cargo bench -p loupe-engine --bench conditions`. Targets: 200,000/s for Rekognition example 1
//! against 20 labels, 20,000/s for an `ImportantFormKeyConfidenceCheck` on a 300-block form.

use std::hint::black_box;
use std::time::{Duration, Instant};

use loupe_engine::conditions::{CompiledConditions, Inference, RequestSource};
use serde_json::{Value, json};

/// Shared with the tests, which check what this document decides.
const REKOGNITION_EXAMPLE_1: &str = include_str!("../tests/fixtures/rekognition_example_1.json");

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

/// Runs `evaluate` repeatedly for about `budget`; returns evaluations per second of wall-clock
/// time and, where known, per second of on-CPU time.
fn rate(budget: Duration, mut evaluate: impl FnMut() -> bool) -> (f64, Option<f64>) {
    for _ in 0..1_000 {
        black_box(evaluate());
    }
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
        .map(|(from, to)| done as f64 / ((to - from) as f64 / 1e9));
    (wall, cpu)
}

/// `cargo bench` passes `--bench`; any other argument filters the cases by name.
fn selected(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| name.to_lowercase().contains(&f.to_lowercase()))
}

fn report(name: &str, (wall, cpu): (f64, Option<f64>), target: Option<f64>) {
    let verdict = match target {
        Some(target) if wall >= target => format!("  target {target:.0}/s: met"),
        Some(target) => format!("  target {target:.0}/s: NOT met on the wall clock"),
        None => String::new(),
    };
    let cpu = cpu
        .map(|cpu| format!(" ({cpu:>8.0}/s on-CPU)"))
        .unwrap_or_default();
    println!("{name:<58} {wall:>8.0} evaluations/s{cpu}{verdict}");
}

fn main() {
    let budget = Duration::from_secs(2);

    let example_1 =
        CompiledConditions::compile(RequestSource::RekognitionModeration, REKOGNITION_EXAMPLE_1)
            .unwrap();
    let labels = twenty_labels();
    assert!(
        example_1
            .evaluate(Inference::new(&labels))
            .unwrap()
            .is_activated()
    );
    if selected("Rekognition example 1, 20 labels: decision only") {
        report(
            "Rekognition example 1, 20 labels: decision only",
            rate(budget, || {
                example_1
                    .evaluate(Inference::new(black_box(&labels)))
                    .unwrap()
                    .is_activated()
            }),
            Some(200_000.0),
        );
    }
    if selected("Rekognition example 1, 20 labels: decision and report") {
        report(
            "Rekognition example 1, 20 labels: decision and report",
            rate(budget, || {
                example_1
                    .evaluate(Inference::new(black_box(&labels)))
                    .unwrap()
                    .report()
                    .activated
            }),
            None,
        );
    }

    let form = form_of_300_blocks();
    let pay_date =
        CompiledConditions::compile(RequestSource::TextractForms, PAY_DATE_CHECK).unwrap();
    assert!(
        pay_date
            .evaluate(Inference::new(&form))
            .unwrap()
            .is_activated()
    );
    if selected("Textract \"Pay Date\" key check, 300 blocks: decision only") {
        report(
            "Textract \"Pay Date\" key check, 300 blocks: decision only",
            rate(budget, || {
                pay_date
                    .evaluate(Inference::new(black_box(&form)))
                    .unwrap()
                    .is_activated()
            }),
            Some(20_000.0),
        );
    }
    if selected("Textract \"Pay Date\" key check, 300 blocks: decision and report") {
        report(
            "Textract \"Pay Date\" key check, 300 blocks: decision and report",
            rate(budget, || {
                pay_date
                    .evaluate(Inference::new(black_box(&form)))
                    .unwrap()
                    .report()
                    .activated
            }),
            None,
        );
    }
    let any_key = CompiledConditions::compile(RequestSource::TextractForms, ANY_KEY_CHECK).unwrap();
    if selected("Textract \"*\" key check (30 keys), 300 blocks: decision only") {
        report(
            "Textract \"*\" key check (30 keys), 300 blocks: decision only",
            rate(budget, || {
                any_key
                    .evaluate(Inference::new(black_box(&form)))
                    .unwrap()
                    .is_activated()
            }),
            None,
        );
    }
}
