//! Effective-policy composition (`deviceAosPolicy`).
//!
//! The rule: policies are applied from the lowest priority to the highest, each
//! deep-merged over the result so far, so where two policies set the same key
//! the higher priority wins. Objects merge key by key; any other value
//! (arrays included) replaces what was there. Among equal priorities the one
//! listed first wins. A device's directly assigned policy (`policyId`) is
//! applied last, above every assignment.

use serde_json::{Map, Value};

/// One policy's contribution: its priority, its position in the assignment list
/// and its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<'a> {
    pub priority: i64,
    pub config: &'a Value,
}

/// The assignments' indexes in the order they are applied: ascending
/// priority; among equals, later list positions first, so the first listed
/// is applied last and wins.
fn application_order(assignments: &[Layer]) -> Vec<usize> {
    // A total order (no two indexes are equal), so an insertion sort gives
    // what any sort would; at most 100 assignments, and no library sort's
    // code in the worker's wasm for it.
    let applied_before = |a: usize, b: usize| (assignments[a].priority, b) < (assignments[b].priority, a);
    let mut order: Vec<usize> = (0..assignments.len()).collect();
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && applied_before(order[j], order[j - 1]) {
            order.swap(j, j - 1);
            j -= 1;
        }
    }
    order
}

/// The assignment that wins where policies disagree (applied last): the
/// highest priority, the first listed among equals. The device shows its
/// name and version when it has no direct policy.
pub fn winner(assignments: &[Layer]) -> Option<usize> {
    application_order(assignments).last().copied()
}

/// Composes the configurations. `direct` is the directly assigned policy's config.
pub fn compose(assignments: &[Layer], direct: Option<&Value>) -> Value {
    let mut result = Value::Object(Map::new());
    for i in application_order(assignments) {
        merge(&mut result, assignments[i].config);
    }
    if let Some(d) = direct {
        merge(&mut result, d);
    }
    result
}

fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The insertion sort orders as the library's sort did, ties included.
    #[test]
    fn the_application_order_is_the_sorted_order() {
        let config = serde_json::json!({});
        let mut seed = 7u64;
        for len in 0..=40 {
            for _ in 0..20 {
                let layers: Vec<Layer> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        Layer {
                            priority: (seed >> 60) as i64 - 8,
                            config: &config,
                        }
                    })
                    .collect();
                let mut want: Vec<usize> = (0..len).collect();
                want.sort_by(|&a, &b| layers[a].priority.cmp(&layers[b].priority).then(b.cmp(&a)));
                assert_eq!(application_order(&layers), want);
            }
        }
    }

    #[test]
    fn higher_priority_wins_and_objects_merge() {
        let low = json!({"camera": false, "wifi": {"ssid": "a", "hidden": true}, "apps": ["x"]});
        let high = json!({"camera": true, "wifi": {"ssid": "b"}, "apps": ["y"]});
        let got = compose(
            &[
                Layer {
                    priority: 10,
                    config: &high,
                },
                Layer {
                    priority: 1,
                    config: &low,
                },
            ],
            None,
        );
        assert_eq!(
            got,
            json!({"camera": true, "wifi": {"ssid": "b", "hidden": true}, "apps": ["y"]})
        );
    }

    #[test]
    fn ties_go_to_the_first_listed_and_direct_policy_is_on_top() {
        let a = json!({"k": "a"});
        let b = json!({"k": "b"});
        let d = json!({"k": "direct"});
        assert_eq!(
            compose(
                &[
                    Layer {
                        priority: 1,
                        config: &a
                    },
                    Layer {
                        priority: 1,
                        config: &b
                    }
                ],
                None
            ),
            json!({"k": "a"})
        );
        assert_eq!(
            compose(
                &[Layer {
                    priority: 1,
                    config: &a
                }],
                Some(&d)
            ),
            json!({"k": "direct"})
        );
        assert_eq!(compose(&[], None), json!({}));
    }

    #[test]
    fn the_winner_is_the_highest_priority_first_listed() {
        let c = json!({});
        let layers = |ps: &[i64]| {
            ps.iter()
                .map(|&priority| Layer { priority, config: &c })
                .collect::<Vec<_>>()
        };
        assert_eq!(winner(&layers(&[])), None);
        assert_eq!(winner(&layers(&[1, 5, 3])), Some(1));
        assert_eq!(winner(&layers(&[5, 1, 5])), Some(0));
    }
}
