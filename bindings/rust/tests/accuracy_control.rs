// Quantization with accuracy control of the zoo MLP (three quantizer groups) against a scripted
// metric: 1 - 0.02 per QuantizeLinear node of the model the validator gets (read from its
// summary; weights arrive folded), so the quantized model scores 0.94, each reverted group gives
// back 0.02, and max_drop 0.03 takes exactly two reverts. Also the dataset
// view, failing and panicking validators, and cancellation.
mod common;

use std::panic::{self, AssertUnwindSafe};

use common::{uniform, ScratchDir, MLP};
use nncf::{
    AccuracyControlOptions, Code, Dataset, DropType, Error, Model, QuantizeOptions, RankingMode, Validation,
};

const BATCH: usize = 4;
const VALIDATION_ITEMS: usize = 4;

fn dataset(n: usize, seed: u32) -> Dataset {
    Dataset::from_fn(Some(n), move |i, out| {
        out.set("input", &[BATCH as i64, 64], &uniform(BATCH * 64, seed + i as u32))
    })
    .unwrap()
}

fn quantize_nodes(model: &Model) -> usize {
    let summary = model.summary_json().unwrap();
    let key = "\"QuantizeLinear\":";
    summary.find(key).map_or(0, |at| {
        summary[at + key.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    })
}

fn options<'a>() -> AccuracyControlOptions<'a> {
    AccuracyControlOptions {
        quantize: QuantizeOptions { subset_size: 8, num_threads: 1, ..Default::default() },
        max_drop: 0.03,
        ..Default::default()
    }
}

#[test]
fn scripted_metric_reverts_two_groups() {
    let model = Model::load(MLP).unwrap();
    let scratch = ScratchDir::new("accuracy_control");
    let mut opts = options();
    opts.intermediate_model_dir = Some(scratch.path(""));
    let mut views = 0;
    let (out, summary, report) = model
        .quantize_with_accuracy_control(
            &mut dataset(8, 1),
            &mut dataset(VALIDATION_ITEMS, 100),
            &opts,
            |m, items| {
                views += 1;
                let n = items.len()?.unwrap();
                for k in 0..n {
                    let source = items.source_index(k)?;
                    assert!(source < VALIDATION_ITEMS);
                    items.get(k)?;
                }
                Ok(Validation { metric: 1.0 - 0.02 * quantize_nodes(m) as f64, per_item: None })
            },
        )
        .unwrap();
    assert!(summary.target_met);
    assert_eq!(summary.reverted_groups, 2);
    assert!((summary.quantized_metric - 0.94).abs() < 1e-12);
    assert!((summary.final_metric - 0.98).abs() < 1e-12);
    // Probe, float and quantized full calls, 4 one-item calls for each model, 3 ranking calls, 2
    // loop calls.
    assert_eq!(summary.validation_calls, 16);
    assert_eq!(views, 16);
    assert_eq!(quantize_nodes(&out), 1);
    assert!(report.contains("\"target_met\":true"));
    assert!(scratch.path("intermediate_model.onnx").exists());
    assert_eq!(DropType::Relative.name(), "relative");
    assert_eq!(RankingMode::OutputDifference.name(), "output_difference");
}

#[test]
fn failing_validators_fail_the_call() {
    let model = Model::load(MLP).unwrap();
    let err = model
        .quantize_with_accuracy_control(
            &mut dataset(8, 1),
            &mut dataset(VALIDATION_ITEMS, 100),
            &options(),
            |m, _| {
                if quantize_nodes(m) > 0 {
                    return Err(Error::new(Code::Io, "labels vanished"));
                }
                Ok(Validation { metric: 1.0, per_item: None })
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::Callback);
    assert!(err.message().contains("labels vanished"), "{}", err.message());

    let err = model
        .quantize_with_accuracy_control(
            &mut dataset(8, 1),
            &mut dataset(VALIDATION_ITEMS, 100),
            &options(),
            |m, _| {
                if quantize_nodes(m) > 0 {
                    return Err(Error::new(Code::Cancelled, "stop"));
                }
                Ok(Validation { metric: 1.0, per_item: None })
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::Cancelled);

    let err = model
        .quantize_with_accuracy_control(
            &mut dataset(8, 1),
            &mut dataset(VALIDATION_ITEMS, 100),
            &options(),
            |_, _| Ok(Validation { metric: f64::NAN, per_item: None }),
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::Callback);

    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = model.quantize_with_accuracy_control(
            &mut dataset(8, 1),
            &mut dataset(VALIDATION_ITEMS, 100),
            &options(),
            |_, _| -> nncf::Result<Validation> { panic!("validator exploded") },
        );
    }));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"validator exploded"));
}
