//! `dlctl`: devlink from the command line.

fn main() {}
