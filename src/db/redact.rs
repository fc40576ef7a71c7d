//! Connection URLs made fit for logs and error messages.

use url::Url;

/// Query parameters that carry credentials in libpq-style URLs.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "passfile"];

/// The URL with its password, and any credential query parameter, replaced by `***`.
pub fn redact(raw: &str) -> String {
    let Ok(mut url) = Url::parse(raw) else {
        return "(unparseable URL)".to_string();
    };
    if url.password().is_some() {
        // Only fails for URLs that cannot have credentials at all, which we just saw have one.
        let _ = url.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let hidden = SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s));
            (
                k.into_owned(),
                if hidden { "***".into() } else { v.into_owned() },
            )
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_wherever_they_are() {
        assert_eq!(
            redact("postgres://bot:s3cret@db.example:5432/waypoint"),
            "postgres://bot:***@db.example:5432/waypoint"
        );
        assert_eq!(
            redact("postgres://localhost/waypoint"),
            "postgres://localhost/waypoint"
        );
        assert!(!redact("postgres://a:p@ss@h/d").contains("p@ss"));
        let query = redact("postgres://bot@h/d?sslmode=require&password=s3cret&PassFile=/x");
        assert!(
            !query.contains("s3cret") && !query.contains("/x"),
            "{query}"
        );
        assert!(query.contains("sslmode=require"), "{query}");
        assert_eq!(redact("not a url"), "(unparseable URL)");
    }
}
