//! Query strings to (name, value) pairs: `application/x-www-form-urlencoded`
//! (`+` is a space, `%XX` escapes, bad escapes kept literally, invalid UTF-8
//! replaced), like `URLSearchParams`. The worker and the npm package both
//! read query strings with this one decoder.

pub fn decode_pairs(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && hex(bytes[i + 1]).is_some() && hex(bytes[i + 2]).is_some() => {
                out.push(hex(bytes[i + 1]).unwrap_or(0) * 16 + hex(bytes[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Vec<(String, String)> {
        decode_pairs(q)
    }

    #[test]
    fn decodes_like_url_search_params() {
        assert_eq!(p(""), vec![]);
        assert_eq!(
            p("?page=2&limit=5"),
            vec![("page".into(), "2".into()), ("limit".into(), "5".into())]
        );
        assert_eq!(
            p("status=PENDING%2CDONE"),
            vec![("status".into(), "PENDING,DONE".into())]
        );
        assert_eq!(p("a=b+c&&d"), vec![("a".into(), "b c".into()), ("d".into(), "".into())]);
        assert_eq!(p("x=%zz%4"), vec![("x".into(), "%zz%4".into())]);
        assert_eq!(p("x=%C3%A9%FF"), vec![("x".into(), "é\u{FFFD}".into())]);
        assert_eq!(p("k=a=b"), vec![("k".into(), "a=b".into())]);
    }
}
