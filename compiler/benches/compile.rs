//! How long compiling takes in process, to compare a compilation job's wall time against.
//!
//! For the CNN and the MLP of `tests/models/make_models.py` it times, over a number of runs:
//!   - load+optimise: tract reads the .onnx file, type checks and optimises it, and plans its
//!     execution, the least any compilation does;
//!   - compile: `loupe_compiler::compile` on the .tar.gz, every phase (unpacking, NNEF writing,
//!     reloading the artifact, the timed verification runs) included;
//!   - run: one inference of the optimised model on the verification input.
//!
//! and prints the median and the minimum in milliseconds.
//!
//! Run it from the repository root (with the project's .venv from scripts/setup.sh):
//!
//!     dir=$(mktemp -d)
//!     .venv/bin/python compiler/tests/models/make_models.py --out "$dir"
//!     LOUPE_BENCH_MODELS="$dir" cargo bench -p loupe-compiler --bench compile
//!
//! `LOUPE_BENCH_RUNS` sets the number of runs (default 20). Without `LOUPE_BENCH_MODELS` it says
//! so and exits, which is what `cargo test --all-targets` sees.

use std::path::Path;
use std::time::{Duration, Instant};

use loupe_compiler::tract_core::plan::SimplePlan;
use loupe_compiler::tract_core::prelude::{IntoTValue, TValue, TVec};
use loupe_compiler::{CompileRequest, ModelFormat, verification_input};
use tract_onnx::prelude::{Framework, InferenceModelExt};

fn main() {
    let Ok(dir) = std::env::var("LOUPE_BENCH_MODELS") else {
        eprintln!(
            "LOUPE_BENCH_MODELS is unset: point it at a folder make_models.py wrote (see the \
             header of compiler/benches/compile.rs). Nothing timed."
        );
        return;
    };
    let runs: usize = std::env::var("LOUPE_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    println!("{runs} runs each, times in ms (median / min)");
    for name in ["cnn", "mlp"] {
        bench_model(Path::new(&dir), name, runs);
    }
}

fn bench_model(dir: &Path, name: &str, runs: usize) {
    let read = |file: String| {
        std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("reading {file}: {e}"))
    };
    let onnx = read(format!("{name}.onnx"));
    let archive = read(format!("{name}.tar.gz"));

    let load_and_optimise = time(runs, || {
        let model = tract_onnx::onnx()
            .model_for_read(&mut onnx.as_slice())
            .unwrap();
        SimplePlan::new(model.into_optimized().unwrap()).unwrap();
    });

    let request = CompileRequest {
        archive: &archive,
        format: ModelFormat::Onnx,
        inputs: &[],
        target_device: "sitara_am57x".into(),
        cpu_arch: "armv7-neon".into(),
    };
    let compile = time(runs, || {
        loupe_compiler::compile(&request, &mut |_| {}).unwrap();
    });

    let model = tract_onnx::onnx()
        .model_for_read(&mut onnx.as_slice())
        .unwrap();
    let plan = SimplePlan::new(model.into_optimized().unwrap()).unwrap();
    let inputs: TVec<TValue> = (0..plan.model().inputs.len())
        .map(|ix| {
            let fact = plan.model().input_fact(ix).unwrap();
            verification_input(fact.datum_type, fact.shape.as_concrete().unwrap()).into_tvalue()
        })
        .collect();
    let run = time(runs, || {
        plan.run(inputs.clone()).unwrap();
    });

    for (what, times) in [
        ("load+optimise", load_and_optimise),
        ("compile", compile),
        ("run", run),
    ] {
        println!(
            "{name:>4} {what:<14} {:>9.3} / {:>9.3}",
            ms(times.0),
            ms(times.1)
        );
    }
}

/// The median and the minimum of `runs` timed calls of `f`, after one untimed call.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
