//! `make fuzz`: the differential check of `mdm_core::scan::differential`
//! (single-pass validator vs the oracle) over FUZZ_CASES generated bodies
//! (default 10 million), on every core. Prints cases per second, how the
//! bodies split (valid / violations / blank or malformed), and exits non-zero
//! with the first body the two validators disagree on.

use mdm_core::catalog;
use mdm_core::scan::differential::{body, corpus, disagreement, Rng};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

fn main() {
    let cases: u64 = std::env::var("FUZZ_CASES")
        .ok()
        .map(|s| s.replace('_', "").parse().expect("FUZZ_CASES must be a number"))
        .unwrap_or(10_000_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let corpus = corpus();
    let failed = AtomicBool::new(false);
    let start = Instant::now();
    let totals: Vec<[u64; 3]> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let failed = &failed;
                s.spawn(move || {
                    let mut kinds = [0u64; 3];
                    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ t);
                    let mine = cases / threads + u64::from(t < cases % threads);
                    for n in 0..mine {
                        if n % 65_536 == 0 && failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let index = rng.below(catalog::REQUESTS.len());
                        let bytes = body(&mut rng, index, corpus);
                        let check = &catalog::REQUESTS[index];
                        match disagreement(check, &bytes) {
                            None => {
                                let answer = check.check(&bytes);
                                kinds[match answer {
                                    Ok(v) if v.is_empty() => 0,
                                    Ok(_) => 1,
                                    Err(_) => 2,
                                }] += 1;
                            }
                            Some((fast, oracle)) => {
                                failed.store(true, Ordering::Relaxed);
                                eprintln!(
                                    "DIFFERENCE for {} on {:?}\n  single pass: {fast:?}\n  oracle:      {oracle:?}",
                                    check.name,
                                    String::from_utf8_lossy(&bytes)
                                );
                                break;
                            }
                        }
                    }
                    kinds
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let mut kinds = [0u64; 3];
    for t in &totals {
        for (k, n) in kinds.iter_mut().zip(t) {
            *k += n;
        }
    }
    let done: u64 = kinds.iter().sum();
    println!(
        "fuzz: {done} cases in {secs:.1} s on {threads} threads, {:.0} cases/s; \
         {} valid, {} with violations, {} blank or malformed; differences: {}",
        done as f64 / secs,
        kinds[0],
        kinds[1],
        kinds[2],
        if failed.load(Ordering::Relaxed) {
            "FOUND"
        } else {
            "none"
        }
    );
    if failed.load(Ordering::Relaxed) {
        std::process::exit(1);
    }
}
