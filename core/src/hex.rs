//! Lower-case hex encoding of bytes, as digests and signatures are written (SigV4, GitHub's
//! `X-Hub-Signature-256`, delivery keys).

/// Lower-case hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    encode_into(&mut out, bytes);
    out
}

/// Appends the lower-case hex of `bytes` to `out` (a signature builds its string to sign in one
/// buffer rather than allocating each digest's text).
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_two_lower_case_digits() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        let mut out = "sha256=".to_owned();
        encode_into(&mut out, &[0xde, 0xad]);
        assert_eq!(out, "sha256=dead");
    }
}
