//! JetStream's names: a stream's name is one token; a subject is tokens joined by dots,
//! where a filter may use `*` for one token and `>` for all the rest.

/// Whether `name` can name a JetStream stream: `Err` in words if not.
pub fn check_stream_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the stream's name is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '.' | '*' | '>' | '/' | '\\'))
    {
        return Err(format!(
            "`{name}` cannot name a JetStream stream: it may not hold {}",
            if c.is_whitespace() {
                "spaces".to_string()
            } else {
                format!("`{c}`")
            }
        ));
    }
    Ok(())
}

/// Whether `subject` is a subject to publish to, or with `filter` one to read from (where
/// wildcards are allowed): `Err` in words if not.
pub fn check_subject(subject: &str, filter: bool) -> Result<(), String> {
    if subject.trim().is_empty() {
        return Err("the subject is empty".into());
    }
    if subject.chars().any(char::is_whitespace) {
        return Err(format!("the subject `{subject}` may not hold spaces"));
    }
    let tokens: Vec<&str> = subject.split('.').collect();
    for (i, token) in tokens.iter().enumerate() {
        if token.is_empty() {
            return Err(format!(
                "the subject `{subject}` has an empty part: dots go between names"
            ));
        }
        let wildcard = *token == "*" || *token == ">";
        if wildcard && !filter {
            return Err(format!(
                "the subject `{subject}` has a wildcard: a row is published to one subject"
            ));
        }
        if *token == ">" && i + 1 != tokens.len() {
            return Err(format!(
                "the subject `{subject}` has `>` before its end: it stands for all the rest"
            ));
        }
        if !wildcard && token.contains(['*', '>']) {
            return Err(format!(
                "the subject `{subject}`: `*` and `>` stand for whole parts, as in readings.*"
            ));
        }
    }
    Ok(())
}

/// Whether `subject` is one that `pattern` (with wildcards) takes.
pub fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut subject = subject.split('.');
    for token in pattern.split('.') {
        match (token, subject.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (t, Some(s)) if t == s => {}
            _ => return false,
        }
    }
    subject.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_subjects_are_checked_in_words() {
        assert!(check_stream_name("READINGS").is_ok());
        assert!(check_stream_name("a.b").unwrap_err().contains("`.`"));
        assert!(check_stream_name("a b").unwrap_err().contains("spaces"));
        assert!(check_stream_name(" ").unwrap_err().contains("empty"));
        assert!(check_subject("readings.live", false).is_ok());
        assert!(
            check_subject("readings.*", false)
                .unwrap_err()
                .contains("wildcard")
        );
        assert!(check_subject("readings.>", true).is_ok());
        assert!(
            check_subject("a.>.b", true)
                .unwrap_err()
                .contains("before its end")
        );
        assert!(
            check_subject("a..b", true)
                .unwrap_err()
                .contains("empty part")
        );
        assert!(
            check_subject("a.b*", true)
                .unwrap_err()
                .contains("whole parts")
        );
    }

    #[test]
    fn wildcards_take_a_token_or_the_rest() {
        assert!(subject_matches("readings.*", "readings.a"));
        assert!(!subject_matches("readings.*", "readings.a.b"));
        assert!(subject_matches("readings.>", "readings.a.b"));
        assert!(!subject_matches("readings.>", "readings"));
        assert!(subject_matches("readings", "readings"));
        assert!(!subject_matches("readings", "readings.a"));
    }
}
