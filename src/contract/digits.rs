//! Digits in text, both ways, without `core::fmt`: the value of a hex digit (JSON's `\uXXXX`,
//! a path's `%XX`), and fixed-width decimal or hex numbers written into a buffer (timestamps,
//! GUIDs, `\uXXXX` escapes). One definition for the parsers, the model and the generators.

/// The value of each byte as a hex digit, 0xFF for a byte that is not one (a lookup without a
/// comparison per digit: the JSON reader's fast path combines four of them).
pub const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The value of `b` as a hex digit, either case.
pub fn hex_value(b: u8) -> Option<u8> {
    let v = HEX_VALUE[usize::from(b)];
    (v < 16).then_some(v)
}

/// Writes `v` into `out` as `out.len()` digits in `radix` (10 or 16, lower case), the most
/// significant first, with leading zeros; digits past the width are dropped.
pub fn put(out: &mut [u8], radix: u64, mut v: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for d in out.iter_mut().rev() {
        *d = DIGITS[(v % radix) as usize & 0xF];
        v /= radix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn b10_r3_digits_are_written_and_read_as_the_standard_library_does(v: u64, width in 1usize..=16) {
            let mut dec = vec![0u8; width];
            put(&mut dec, 10, v);
            let want = format!("{v:0width$}");
            prop_assert_eq!(std::str::from_utf8(&dec).unwrap(), &want[want.len() - width..]);
            let mut hex = vec![0u8; width];
            put(&mut hex, 16, v);
            let want = format!("{v:0width$x}");
            prop_assert_eq!(std::str::from_utf8(&hex).unwrap(), &want[want.len() - width..]);
        }
    }

    #[test]
    fn b10_r3_every_byte_is_a_hex_digit_exactly_when_char_to_digit_says_so() {
        for b in 0..=255u8 {
            let want = char::from(b).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_value(b), want, "{b:#x}");
            assert_eq!(HEX_VALUE[usize::from(b)] < 16, want.is_some());
        }
    }
}
