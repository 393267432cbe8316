//! Percent-encoding as SigV4 and RFC 3986 want it (every byte but the unreserved ones escaped,
//! upper-case hex), and decoding: to bytes as sent, for signing, or to text with `+` as a space,
//! for the query strings browsers build.

/// Percent-encodes every byte but the unreserved ones (`A-Z a-z 0-9 - _ . ~`) and, unless
/// `encode_slash`, `/`.
pub fn uri_encode(text: &str, encode_slash: bool) -> String {
    uri_encode_bytes(text.as_bytes(), encode_slash)
}

/// [`uri_encode`] of bytes that need not be UTF-8 (a decoded query escape may not be).
pub fn uri_encode_bytes(bytes: &[u8], encode_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (b == b'/' && !encode_slash) {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes; anything else (a lone `%`, `+`) stays as it is. Bytes, not text: an
/// escape need not be UTF-8, and it must sign as sent.
pub fn percent_decode_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// `text` with its `%XX` escapes decoded and `+` read as a space (a malformed escape stays).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && text.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&text[i + 1..i + 3], 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path segment with its `%XX` escapes decoded (`+` stays itself, as in a URL's path); `None`
/// when an escape is malformed or the result is not UTF-8.
pub fn percent_decode_path(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let digits = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(digits, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("a b/c+d=é~", false), "a%20b/c%2Bd%3D%C3%A9~");
        assert_eq!(uri_encode("a/b", true), "a%2Fb");
        assert_eq!(uri_encode_bytes(&[0xff, b'/'], true), "%FF%2F");
    }

    #[test]
    fn byte_decoding_keeps_plus_and_malformed_escapes() {
        assert_eq!(percent_decode_bytes("%41+%ff%2"), b"A+\xff%2");
        assert_eq!(percent_decode_bytes("%zz"), b"%zz");
    }

    #[test]
    fn text_decoding_reads_plus_as_a_space() {
        assert_eq!(percent_decode("b%2Fc+d"), "b/c d");
        assert_eq!(percent_decode("%2"), "%2");
        assert_eq!(percent_decode("%e9%"), "\u{fffd}%");
    }
}
