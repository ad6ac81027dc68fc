//! Did-you-mean suggestions. (Being written.)
