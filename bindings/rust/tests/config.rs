// Configs: parse, get with schema defaults, set with validation, serialize, files, schema.
mod common;

use common::ScratchDir;
use nncf::{Code, Config};

#[test]
fn get_returns_values_and_schema_defaults() {
    let config = Config::from_json(r#"{"quantize": {"subset_size": 100, "preset": "mixed"}}"#).unwrap();
    assert_eq!(config.get("quantize.subset_size").unwrap(), "100");
    assert_eq!(config.get("quantize.preset").unwrap(), "\"mixed\"");
    assert_eq!(config.get("quantize.target_device").unwrap(), "\"any\"");
    assert_eq!(config.get("quantize.fast_bias_correction").unwrap(), "true");
    assert_eq!(config.get("quantize.advanced.overflow_fix").unwrap(), "null");
    let err = config.get("quantize.subsetsize").unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert!(err.message().contains("subsetsize"), "{err}");
}

#[test]
fn set_validates_and_keeps_the_old_value_on_failure() {
    let mut config = Config::from_json("{}").unwrap();
    assert_eq!(config.get("quantize.subset_size").unwrap(), "300");
    config.set("quantize.subset_size", "7").unwrap();
    config.set("quantize.advanced.overflow_fix", "\"enable\"").unwrap();
    assert_eq!(config.get("quantize.subset_size").unwrap(), "7");

    let err = config.set("quantize.subset_size", "\"many\"").unwrap_err();
    assert_eq!(err.code(), Code::InvalidConfig);
    assert!(err.message().contains("$.quantize.subset_size"), "{err}");
    assert_eq!(config.set("quantize.subset_size", "0").unwrap_err().code(), Code::InvalidConfig);
    assert_eq!(config.get("quantize.subset_size").unwrap(), "7");

    // The serialized form reads back to the same values.
    let json = config.to_json().unwrap();
    let again = Config::from_json(&json).unwrap();
    assert_eq!(again.get("quantize.subset_size").unwrap(), "7");
    assert_eq!(again.get("quantize.advanced.overflow_fix").unwrap(), "\"enable\"");
}

#[test]
fn from_file_and_schema() {
    let dir = ScratchDir::new("config_file");
    let path = dir.path("nncf.json");
    std::fs::write(&path, r#"{"quantize": {"subset_size": 5}}"#).unwrap();
    assert_eq!(Config::from_file(&path).unwrap().get("quantize.subset_size").unwrap(), "5");
    assert_eq!(Config::from_file(dir.path("missing.json")).unwrap_err().code(), Code::NotFound);

    let schema = Config::schema_json().unwrap();
    assert!(schema.contains("\"subset_size\""), "schema mentions subset_size");
    assert!(schema.contains("\"properties\""));
}
