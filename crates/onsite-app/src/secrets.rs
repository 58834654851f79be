//! Secrets people hold (session ids, invitation codes, reset tokens): generated from the OS's
//! random source, shown once, stored only as their SHA-256. A fast hash is right here: the
//! values carry 128 bits or more of entropy, so there is nothing to brute-force.

use sha2::{Digest, Sha256};
use std::fmt;

/// A random secret as the person holds it. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// 256 random bits as 64 hex characters: cookies, URL tokens.
    pub fn token() -> Secret {
        Secret(hex(&random_bytes::<32>()))
    }

    /// An API token's secret: 256 random bits as 64 hex characters after `onsite_`, so that
    /// secret scanners and people recognise it.
    pub fn api_token() -> Secret {
        Secret(format!("onsite_{}", hex(&random_bytes::<32>())))
    }

    /// 130 random bits as 26 Crockford base-32 characters in groups of five-ish, easy to read
    /// out and type: `7KQ2M-XW9RD-…`. [`normalize_code`] accepts it back in any case, with or
    /// without dashes and spaces, and with the usual confusions (O→0, I/L→1).
    pub fn invitation_code() -> Secret {
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let bytes = random_bytes::<17>();
        let mut bits: u32 = 0;
        let mut n_bits = 0;
        let mut chars = Vec::with_capacity(26);
        for b in bytes {
            bits = (bits << 8) | b as u32;
            n_bits += 8;
            while n_bits >= 5 && chars.len() < 26 {
                n_bits -= 5;
                chars.push(ALPHABET[((bits >> n_bits) & 31) as usize] as char);
            }
        }
        let grouped: Vec<String> = chars.chunks(5).map(|c| c.iter().collect()).collect();
        Secret(grouped.join("-"))
    }

    /// Wraps a value that came from the person (cookie, form field) to hash it.
    pub fn from_presented(value: &str) -> Secret {
        Secret(value.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The stored form: hex SHA-256.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

/// Equality of two secrets that takes the same time wherever the first difference is (the
/// length is not secret: every token of a kind has the same); an empty one matches nothing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The canonical form of a typed invitation code, so that `7kq2m xw9rd` matches `7KQ2M-XW9RD`.
pub fn normalize_code(raw: &str) -> Secret {
    let canonical: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let grouped: Vec<String> = canonical
        .chars()
        .collect::<Vec<_>>()
        .chunks(5)
        .map(|c| c.iter().collect())
        .collect();
    Secret(grouped.join("-"))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS random source failing is not something the program can work around.
    getrandom::fill(&mut buf).expect("the operating system's random source is unavailable");
    buf
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = Secret::token();
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a, Secret::token());
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
        assert_eq!(format!("{a:?}"), "Secret(***)");
    }

    #[test]
    fn invitation_codes_carry_130_bits_and_read_back_however_typed() {
        let code = Secret::invitation_code();
        assert_eq!(code.expose().len(), 26 + 5, "{}", code.expose());
        let typed = code.expose().to_lowercase().replace('-', " ");
        assert_eq!(normalize_code(&typed).hash(), code.hash());
        assert_eq!(normalize_code("oil00-").expose(), "01100");
    }
}
