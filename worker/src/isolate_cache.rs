//! Small per-isolate caches for what every request would otherwise fetch
//! from D1 or work out again before its data: the organization a path names
//! (`routes::tenancy`), an API key's row, a person's memberships and the
//! verification of a signed token (`identity`).
//!
//! What comes from D1 is used only by reads, and only by reads that sent no
//! `x-d1-bookmark` ([`Fresh::Cached`]); writes always read D1
//! ([`Fresh::Database`]). A signed token's verification reads no D1, so
//! every request may use it (`identity::signed`). An entry
//! lives a fixed time from when it was read, a change made through this
//! isolate removes it at once, and a miss is never kept. Each cache says
//! why its time-to-live is safe where it is declared.

use std::cell::RefCell;
use std::future::Future;
use std::thread::LocalKey;

use crate::http::ApiError;

/// Where a gate may take what it resolves from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    /// A read without a bookmark: an entry younger than its cache's TTL.
    Cached { now_ms: i64 },
    /// A write, or a read that sent a bookmark: D1.
    Database,
}

/// Entries kept per cache; past it the oldest goes.
const ENTRIES: usize = 256;

/// One cache: `(key, value, read at)` in insertion order. An isolate runs
/// one request at a time on its thread, so a `RefCell` is enough.
pub struct TtlCache<V: 'static> {
    entries: RefCell<Vec<(String, V, i64)>>,
    ttl_ms: i64,
}

impl<V: Clone + 'static> TtlCache<V> {
    pub const fn new(ttl_ms: i64) -> Self {
        Self {
            entries: RefCell::new(Vec::new()),
            ttl_ms,
        }
    }
}

/// The value under `key`: from the cache when `fresh` allows and the entry
/// is young enough, else from `load` (D1), kept if found. The way in for
/// what comes from D1: an entry's time is when D1 was read, and a hit never
/// renews it, so a value used without pause still goes back to D1 every TTL.
/// ([`get`] and [`put`] alone serve what reads no D1: `identity::signed`.)
pub async fn get_or_load<V, F, Fut>(
    cache: &'static LocalKey<TtlCache<V>>,
    key: &str,
    fresh: Fresh,
    load: F,
) -> Result<Option<V>, ApiError>
where
    V: Clone,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<V>, ApiError>>,
{
    if let Some(hit) = get(cache, key, fresh) {
        return Ok(Some(hit));
    }
    let loaded = load().await?;
    if let Some(value) = &loaded {
        put(cache, key, value, fresh);
    }
    Ok(loaded)
}

/// The value under `key`, if `fresh` allows a cached one and it is young
/// enough (a clock that went back does not make an entry younger).
pub fn get<V: Clone>(cache: &'static LocalKey<TtlCache<V>>, key: &str, fresh: Fresh) -> Option<V> {
    let Fresh::Cached { now_ms } = fresh else {
        return None;
    };
    cache.with(|c| {
        c.entries
            .borrow()
            .iter()
            .find(|(k, _, at)| k == key && now_ms >= *at && now_ms - at < c.ttl_ms)
            .map(|(_, v, _)| v.clone())
    })
}

/// Keep `value` under `key`, read at `fresh`'s time (nothing for a
/// [`Fresh::Database`] read: that request does not measure the cache's time).
pub fn put<V: Clone>(cache: &'static LocalKey<TtlCache<V>>, key: &str, value: &V, fresh: Fresh) {
    let Fresh::Cached { now_ms } = fresh else {
        return;
    };
    cache.with(|c| {
        let mut entries = c.entries.borrow_mut();
        entries.retain(|(k, _, _)| k != key);
        if entries.len() >= ENTRIES {
            entries.remove(0);
        }
        entries.push((key.to_string(), value.clone(), now_ms));
    });
}

/// Drop every entry `stale` picks (after a change through this isolate).
pub fn forget<V: Clone>(cache: &'static LocalKey<TtlCache<V>>, stale: impl Fn(&str, &V) -> bool) {
    cache.with(|c| c.entries.borrow_mut().retain(|(k, v, _)| !stale(k, v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static CACHE: TtlCache<u32> = const { TtlCache::new(1_000) };
    }

    fn at(now_ms: i64) -> Fresh {
        Fresh::Cached { now_ms }
    }

    #[test]
    fn an_entry_lives_its_ttl_from_when_it_was_read() {
        put(&CACHE, "a", &1, at(5_000));
        assert_eq!(get(&CACHE, "a", at(5_999)), Some(1));
        assert_eq!(get(&CACHE, "a", at(6_000)), None);
        assert_eq!(get(&CACHE, "a", at(4_999)), None, "a clock that went back");
        assert_eq!(get(&CACHE, "a", Fresh::Database), None, "writes never use it");
        put(&CACHE, "b", &2, Fresh::Database);
        assert_eq!(get(&CACHE, "b", at(5_000)), None, "a D1 read does not set the time");
    }

    /// `get_or_load` at `now_ms`, loading `value` on a miss; what it answered.
    fn read(now_ms: i64, value: u32) -> Option<u32> {
        use futures_util::FutureExt;
        get_or_load(&CACHE, "renewed?", at(now_ms), || async move { Ok(Some(value)) })
            .now_or_never()
            .expect("ready")
            .unwrap()
    }

    #[test]
    fn a_hit_never_renews_an_entry() {
        assert_eq!(read(10_000, 1), Some(1), "a miss loads");
        assert_eq!(read(10_900, 2), Some(1), "a hit inside the TTL");
        // Had the hit at 10 900 renewed the entry, this would still be 1.
        assert_eq!(read(11_500, 3), Some(3), "D1 again one TTL after the load");
    }

    #[test]
    fn forget_drops_what_a_change_made_stale() {
        put(&CACHE, "x", &7, at(0));
        put(&CACHE, "y", &8, at(0));
        forget(&CACHE, |_, v| *v == 7);
        assert_eq!(get(&CACHE, "x", at(1)), None);
        assert_eq!(get(&CACHE, "y", at(1)), Some(8));
    }

    #[test]
    fn at_most_entries_are_kept_oldest_out_first() {
        for i in 0..ENTRIES + 5 {
            put(&CACHE, &format!("k{i}"), &(i as u32), at(0));
        }
        assert_eq!(CACHE.with(|c| c.entries.borrow().len()), ENTRIES);
        assert_eq!(get(&CACHE, "k0", at(0)), None);
        assert_eq!(
            get(&CACHE, &format!("k{}", ENTRIES + 4), at(0)),
            Some((ENTRIES + 4) as u32)
        );
    }
}
