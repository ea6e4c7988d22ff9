// mimalloc instead of the system allocator: the front end and the evaluation make many small
// allocations on several threads, where glibc's malloc spent about a sixth of `kpic check`'s
// time growing its per-thread arenas (page faults and mprotect); see benches/README.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kpic::cli::main()
}
