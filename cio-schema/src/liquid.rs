//! Liquid analysis of message templates. (Being written.)
