fn main() {
    // pest_derive does not tell cargo that the grammar is an input; say it here.
    println!("cargo:rerun-if-changed=grammar/kpi.pest");
}
