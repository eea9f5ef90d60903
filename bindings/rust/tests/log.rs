// The process-wide logger (its own test binary: the logger is global).
mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use common::CNN;
use nncf::{LogLevel, Model};

#[test]
fn logger_receives_messages_and_panics_are_resumed() {
    let lines: Arc<Mutex<Vec<(LogLevel, String, String)>>> = Arc::default();
    let sink = Arc::clone(&lines);
    nncf::set_logger(LogLevel::Info, move |level, component, message| {
        sink.lock().unwrap().push((level, component.to_string(), message.to_string()));
    });
    let _model = Model::load(CNN).unwrap();
    {
        let lines = lines.lock().unwrap();
        assert!(
            lines.iter().any(|(level, component, message)| *level == LogLevel::Info
                && component == "model"
                && message.contains("fashion_mnist_cnn.onnx")),
            "{lines:?}"
        );
    }

    // Above the threshold nothing arrives.
    lines.lock().unwrap().clear();
    let sink = Arc::clone(&lines);
    nncf::set_logger(LogLevel::Error, move |level, component, message| {
        sink.lock().unwrap().push((level, component.to_string(), message.to_string()));
    });
    let _model = Model::load(CNN).unwrap();
    assert!(lines.lock().unwrap().is_empty());
    assert_eq!(Arc::strong_count(&lines), 2, "the replaced logger was dropped");

    // A panicking logger does not unwind into C; the panic resumes when the call returns.
    nncf::set_logger(LogLevel::Debug, |_, _, _| panic!("logger failed"));
    let payload = panic::catch_unwind(AssertUnwindSafe(|| Model::load(CNN))).expect_err("resumed");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"logger failed"));

    nncf::disable_logging();
    assert_eq!(Arc::strong_count(&lines), 1);
    let _model = Model::load(CNN).unwrap();
    nncf::reset_logger();
}
