//! Just enough XML for AWS's query-protocol answers (STS) and XML errors (S3, STS, and what the
//! emulator returns for denied ECS/ECR calls): the text of the first element with a given name.
//! AWS's XML has no mixed content or CDATA in these places, so no XML library is needed.

/// The text of the first `<name>` element (attributes allowed), entities decoded; `None` when
/// there is none. `<name/>` is an empty string.
pub fn element_text(xml: &str, name: &str) -> Option<String> {
    let mut rest = xml;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        let Some(after) = rest.strip_prefix(name) else {
            continue;
        };
        let end_of_tag = after.find('>')?;
        let (tag_rest, body) = (&after[..end_of_tag], &after[end_of_tag + 1..]);
        // `<CodeX>` is not `<Code>`: the name must end at whitespace, `/` or `>`.
        if !(tag_rest.is_empty() || tag_rest.starts_with([' ', '\t', '\n', '\r', '/'])) {
            continue;
        }
        if tag_rest.ends_with('/') {
            return Some(String::new());
        }
        let close = format!("</{name}>");
        let end = body.find(&close)?;
        return Some(decode_entities(body[..end].trim()));
    }
}

/// Decodes the five predefined entities and numeric character references.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_element_by_exact_name() {
        let xml = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><CodeX>no</CodeX><Code>AccessDenied</Code>
  <Message>User: arn:aws:iam::123456789012:user/x is not authorized &amp; &lt;denied&gt; &#x41;&#66;</Message></Error>
  <RequestId attr="1">abc</RequestId><Empty/></ErrorResponse>"#;
        assert_eq!(element_text(xml, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(
            element_text(xml, "Message").as_deref(),
            Some("User: arn:aws:iam::123456789012:user/x is not authorized & <denied> AB")
        );
        assert_eq!(element_text(xml, "RequestId").as_deref(), Some("abc"));
        assert_eq!(element_text(xml, "Empty").as_deref(), Some(""));
        assert_eq!(element_text(xml, "Missing"), None);
        assert_eq!(element_text("<Code>unclosed", "Code"), None);
    }

    #[test]
    fn unknown_entities_stay_as_written() {
        assert_eq!(decode_entities("a &bogus; b & c"), "a &bogus; b & c");
    }
}
