//! Cross-reference checks. (Being written.)
