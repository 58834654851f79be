//! The scheduling engine's test suite, one binary: the rules as a customer would state them
//! (`rules`), DST over many zones (`dst`), and the fast search against the reference on random
//! worlds (`equivalence`).

mod dst;
mod equivalence;
mod moves;
mod rules;
mod support;
mod synthetic;
