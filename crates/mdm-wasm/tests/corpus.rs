//! The shared validation corpus (`tests/corpus.json`) against mdm-core itself:
//! the npm package's tests assert the very same lists, so the package and the
//! server (which calls the same functions) agree case by case.

use mdm_core::catalog;
use serde_json::Value;

/// Expands `{"$repeat": [s, n]}` into `s` repeated `n` times, recursively.
pub fn expand(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("$repeat") => {
            let r = &m["$repeat"];
            Value::String(r[0].as_str().unwrap().repeat(r[1].as_u64().unwrap() as usize))
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), expand(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(expand).collect()),
        other => other.clone(),
    }
}

#[test]
fn corpus_matches_mdm_core() {
    let doc: Value = serde_json::from_str(include_str!("corpus.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    let mut names_seen = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        names_seen.insert(name);
        let check = catalog::request_check(name).unwrap_or_else(|| panic!("unknown body {name}"));
        let text = serde_json::to_vec(&expand(&case["body"])).unwrap();
        let got: Vec<(String, &str)> = check
            .check(&text)
            .unwrap_or_else(|v| vec![v])
            .into_iter()
            .map(|v| (v.path, v.code.as_str()))
            .collect();
        let want: Vec<(String, &str)> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap()))
            .collect();
        assert_eq!(got, want, "{name} {}", case["body"]);
    }
    // Every request body of the catalog has at least one case.
    for e in catalog::ENTRIES.iter().filter(|e| e.kind == catalog::Kind::Request) {
        assert!(names_seen.contains(e.name), "no corpus case for {}", e.name);
    }
}
