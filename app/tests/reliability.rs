//! Faults a hostile user can reach through the command line: every one ends with a clear
//! message and an exit code, never a hang, a panic or a lost or corrupted file.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// `nodes` and `edges` as a pipeline file's text.
fn pipeline(nodes: &str, edges: &str, job: &str) -> String {
    format!("(version: 1, nodes: [{nodes}], edges: [{edges}], job: ({job}))")
}

fn assert_no_panic(run: &Run) {
    assert!(!run.stderr.contains("panicked"), "{}", run.dump());
    assert_ne!(run.code(), Some(101), "{}", run.dump());
}

#[test]
fn a_parallel_nexmark_source_of_a_sparse_stream_stops_on_time() {
    // At parallelism 2 with the events split by position, one instance never met a Person
    // and looped inside one poll, deaf to --duration.
    let dir = TempDir::new("a_parallel_nexmark_source_of_a_sparse_stream_stops_on_time");
    let file = dir.write(
        "persons.ron",
        &pipeline(
            r#"(id: "people", kind: Nexmark(stream: Person, events: None, events_per_second: None)),
               (id: "drop", kind: Blackhole())"#,
            r#"(from: "people", to: "drop")"#,
            "parallelism: 2",
        ),
    );
    let json = dir.path().join("summary.json");
    let run = run(&[
        "run",
        arg(&file),
        "--duration",
        "1s",
        "--summary-json",
        arg(&json),
    ]);
    run.assert_code(0).assert_stderr_has("stopped:");
    assert!(
        run.elapsed < Duration::from_secs(5),
        "took {:?}",
        run.elapsed
    );
    let records_in = number(&read_summary(&json), "records_in");
    assert!(records_in > 0.0, "no Person in a second\n{}", run.dump());
}

#[test]
fn two_sinks_writing_one_file_are_refused_and_the_file_kept() {
    let dir = TempDir::new("two_sinks_writing_one_file_are_refused_and_the_file_kept");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let out = dir.write("out.csv", "previous,complete\n1,2\n");
    let file = dir.write(
        "two.ron",
        &pipeline(
            r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 10))])),
               (id: "csv", kind: FileSink(path: "out.csv", format: Csv)),
               (id: "json", kind: FileSink(path: "sub/../out.csv", format: JsonLines))"#,
            r#"(from: "gen", to: "csv"), (from: "gen", to: "json")"#,
            "",
        ),
    );
    for command in ["validate", "run"] {
        let run = run(&[command, arg(&file)]);
        run.assert_code(1)
            .assert_stderr_has("node `json`")
            .assert_stderr_has("as `csv` does; two sinks cannot write one file");
    }
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous,complete\n1,2\n"
    );
    assert!(staging_files(dir.path()).is_empty());
}

#[test]
fn sizes_beyond_what_the_machine_holds_are_refused_before_running() {
    let dir = TempDir::new("sizes_beyond_what_the_machine_holds_are_refused_before_running");
    for (length, says) in [
        ("1000000000", "length 1000000000 is more than the 1048576"),
        ("18446744073709551615", "length 18446744073709551615"),
    ] {
        let file = dir.write(
            "long.ron",
            &pipeline(
                &format!(
                    r#"(id: "gen", kind: Datagen(fields: [(name: "s", type: Utf8, kind: Random(length: {length}))])),
                       (id: "drop", kind: Blackhole())"#
                ),
                r#"(from: "gen", to: "drop")"#,
                "",
            ),
        );
        let run = run(&["run", arg(&file), "--duration", "1s"]);
        run.assert_code(1).assert_stderr_has(says);
        assert_no_panic(&run);
    }
    // Within every single limit, but together more than a quarter of memory.
    let file = dir.write(
        "buffers.ron",
        &pipeline(
            r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64)])),
               (id: "key", kind: KeyBy(columns: ["n"])),
               (id: "drop", kind: Blackhole())"#,
            r#"(from: "gen", to: "key"), (from: "key", to: "drop")"#,
            "parallelism: 2, batch_size: 1048576, channel_capacity: 4096",
        ),
    );
    run(&["run", arg(&file), "--duration", "1s"])
        .assert_code(1)
        .assert_stderr_has("could buffer about")
        .assert_stderr_has("a quarter of this machine's");
}

#[test]
fn more_threads_than_the_machine_allows_are_refused() {
    let dir = TempDir::new("more_threads_than_the_machine_allows_are_refused");
    let mut nodes =
        vec![r#"(id: "k0", kind: Datagen(fields: [(name: "n", type: Int64)]))"#.to_string()];
    let mut edges = Vec::new();
    for i in 1..=300 {
        nodes.push(format!(r#"(id: "k{i}", kind: KeyBy(columns: ["n"]))"#));
        edges.push(format!(r#"(from: "k{}", to: "k{i}")"#, i - 1));
    }
    nodes.push(r#"(id: "drop", kind: Blackhole())"#.into());
    edges.push(r#"(from: "k300", to: "drop")"#.into());
    let file = dir.write(
        "threads.ron",
        &pipeline(
            &nodes.join(",\n"),
            &edges.join(", "),
            "parallelism: 16, batch_size: 16, channel_capacity: 1",
        ),
    );
    let run = run(&["run", arg(&file)]);
    run.assert_code(1)
        .assert_stderr_has("the job needs 4816 threads");
    assert_no_panic(&run);
}

#[test]
fn a_closed_pipe_ends_the_process_quietly() {
    let dir = TempDir::new("a_closed_pipe_ends_the_process_quietly");
    let bounded = dir.write(
        "print.ron",
        &pipeline(
            r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 100000))], rows_per_second: None)),
               (id: "out", kind: Console())"#,
            r#"(from: "gen", to: "out")"#,
            "",
        ),
    );
    let blackhole = dir.write(
        "drop.ron",
        &pipeline(
            r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 1000))], rows_per_second: None)),
               (id: "drop", kind: Blackhole())"#,
            r#"(from: "gen", to: "drop")"#,
            "",
        ),
    );
    for (args, stdout, stderr) in [
        (vec!["validate", arg(&bounded)], true, false),
        (vec!["bench", arg(&blackhole), "--runs", "1"], true, false),
        (vec!["bench", arg(&blackhole), "--runs", "1"], false, true),
        (vec!["run", arg(&bounded)], true, false),
        (vec!["run", arg(&bounded)], true, true),
        (vec!["validate", "no-such-file.ron"], false, true),
    ] {
        let run = run_closing(None, &args, stdout, stderr);
        assert_no_panic(&run);
        assert!(
            run.status.code().is_some(),
            "{args:?} ended by a signal: {:?}",
            run.status
        );
    }
}

#[test]
fn a_file_sink_writes_only_regular_files() {
    let dir = TempDir::new("a_file_sink_writes_only_regular_files");
    let real = dir.write("real.csv", "keep\n");
    std::os::unix::fs::symlink(&real, dir.path().join("link.csv")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.path().join("fifo.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
    for (path, says) in [
        ("link.csv", "symbolic link"),
        ("fifo.csv", "a device, pipe or socket"),
        ("folder.csv", "a folder"),
        ("/dev/null", "a device, pipe or socket"),
    ] {
        let file = dir.write(
            "sink.ron",
            &pipeline(
                &format!(
                    r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 10))])),
                       (id: "sink", kind: FileSink(path: "{path}"))"#
                ),
                r#"(from: "gen", to: "sink")"#,
                "",
            ),
        );
        run(&["run", arg(&file)])
            .assert_code(1)
            .assert_stderr_has("not a regular file")
            .assert_stderr_has(says);
    }
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "keep\n");
    let kind = |name: &str| {
        std::fs::symlink_metadata(dir.path().join(name))
            .unwrap()
            .file_type()
    };
    assert!(kind("link.csv").is_symlink());
    use std::os::unix::fs::FileTypeExt;
    assert!(kind("fifo.csv").is_fifo());
    assert!(kind("folder.csv").is_dir());
    assert!(staging_files(dir.path()).is_empty());
}

/// A throttled bounded source of `rows` rows into `out.csv`, and the running process.
fn start_slow_run(dir: &TempDir, rows: u64) -> std::process::Child {
    let file = dir.write(
        "slow.ron",
        &pipeline(
            &format!(
                r#"(id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: {rows}))], rows_per_second: 1000)),
                   (id: "sink", kind: FileSink(path: "out.csv"))"#
            ),
            r#"(from: "gen", to: "sink")"#,
            "batch_size: 10, buffer_timeout_ms: 10",
        ),
    );
    let child = streamlab()
        .args(["run", arg(&file)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start streamlab");
    let started = Instant::now();
    while staging_files(dir.path()).is_empty() && started.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    child
}

fn signal(child: &std::process::Child, signals: &[&str]) {
    let script: Vec<String> = signals
        .iter()
        .map(|s| format!("kill -{s} {}", child.id()))
        .collect();
    let sent = Command::new("sh")
        .args(["-c", &script.join("; ")])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn an_interrupted_rerun_keeps_the_complete_file_and_writes_its_rows_beside_it() {
    let dir = TempDir::new("an_interrupted_rerun_keeps_the_complete_file");
    let out = dir.write("out.csv", "n\n1\n2\n3\n");
    for sig in ["INT", "TERM", "HUP"] {
        let child = start_slow_run(&dir, 100_000);
        signal(&child, &[sig]);
        let output = wait_for(child, "run slow.ron (interrupted)");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "SIG{sig}\n{stderr}");
        assert!(stderr.contains("stopped:"), "SIG{sig}\n{stderr}");
        assert!(
            stderr.contains("stopped before the input ended") && stderr.contains("out.partial.csv"),
            "SIG{sig}\n{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "n\n1\n2\n3\n",
            "SIG{sig}"
        );
        let partial = std::fs::read_to_string(dir.path().join("out.partial.csv")).unwrap();
        assert!(partial.starts_with("n\n1\n"), "SIG{sig}: {partial}");
        assert!(partial.ends_with('\n'));
        assert!(staging_files(dir.path()).is_empty(), "SIG{sig}");
    }
}

#[test]
fn a_second_signal_ends_at_once_and_leaves_no_partial_file() {
    let dir = TempDir::new("a_second_signal_ends_at_once");
    let out = dir.write("out.csv", "n\n1\n");
    let child = start_slow_run(&dir, 100_000);
    signal(&child, &["INT", "TERM"]);
    let output = wait_for(child, "run slow.ron (interrupted twice)");
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "n\n1\n");
    assert!(
        staging_files(dir.path()).is_empty(),
        "{:?}",
        staging_files(dir.path())
    );
}

#[test]
fn absurd_bench_runs_are_a_usage_error() {
    for runs in ["18446744073709551615", "1001", "0"] {
        let run = run(&["bench", "--runs", runs]);
        run.assert_code(2);
        assert_no_panic(&run);
    }
}

/// Xorshift64, so the mutated files are the same on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `text` with a few bytes replaced, deleted or repeated, on char boundaries.
fn mutate(text: &str, random: &mut Random) -> String {
    const TOKENS: &[&str] = &[
        "(",
        ")",
        ",",
        "\"",
        "0",
        "-1",
        "99999999999999999999",
        "None",
        "Some(",
        "[",
        "]",
        ":",
    ];
    let mut text = text.to_string();
    for _ in 0..1 + random.below(3) {
        let boundary = |t: &str, mut i: usize| {
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = boundary(&text, random.below(text.len()));
        let end = boundary(&text, (start + random.below(12)).min(text.len()));
        let end = end.max(start);
        match random.below(3) {
            0 => text.replace_range(start..end, TOKENS[random.below(TOKENS.len())]),
            1 => text.replace_range(start..end, ""),
            _ => {
                let piece = text[start..end].to_string();
                let to = boundary(&text, random.below(text.len()));
                text.insert_str(to, &piece);
            }
        }
    }
    text
}

/// Whether a pipeline writes only inside its own folder (relative paths without `..`), so
/// running a mutated one cannot touch anything outside the test's folder.
fn writes_only_beside_itself(spec: &engine::PipelineSpec) -> bool {
    spec.nodes.iter().all(|n| match &n.kind {
        engine::spec::NodeKind::FileSink(c) => {
            let path = std::path::Path::new(&c.path);
            path.is_relative() && !c.path.contains("..")
        }
        _ => true,
    })
}

#[test]
fn mutated_examples_through_the_binary_end_with_a_message() {
    let dir = TempDir::new("mutated_examples_through_the_binary");
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../saved-graphs");
    let mut texts = Vec::new();
    for name in [
        "hello.ron",
        "stock-quotes.ron",
        "nexmark/q1.ron",
        "nexmark/q2.ron",
    ] {
        texts.push(std::fs::read_to_string(examples.join(name)).unwrap());
    }
    let mut random = Random(7);
    let mut runs = 0;
    for i in 0..80 {
        let text = mutate(&texts[i % texts.len()], &mut random);
        let file = dir.write(&format!("m{i}.ron"), &text);
        let validated = run(&["validate", arg(&file)]);
        assert!(
            matches!(validated.code(), Some(0 | 1)),
            "validate m{i}.ron\n{text}\n{}",
            validated.dump()
        );
        assert_no_panic(&validated);
        if validated.code() == Some(1) {
            assert!(validated.stderr.contains("error: "), "{}", validated.dump());
        }
        let runnable = validated.code() == Some(0)
            && engine::spec::parse(&text).is_ok_and(|s| writes_only_beside_itself(&s));
        if runnable && runs < 12 {
            runs += 1;
            let started = Instant::now();
            let child = streamlab()
                .args(["run", arg(&file), "--duration", "1s"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let output = wait_for(child, &format!("run m{i}.ron"));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "run m{i}.ron: {:?}\n{text}\n{stderr}",
                output.status
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(started.elapsed() < TIMEOUT);
        }
    }
    assert!(runs > 0, "no mutated file was valid enough to run");
}

#[test]
fn a_thread_the_system_refuses_fails_the_start_cleanly() {
    // 1,000 threads of 2 MiB stacks do not fit in 1 GiB of address space: the system refuses
    // a thread part way through, and the job must say so rather than abort.
    let dir = TempDir::new("a_thread_the_system_refuses_fails_the_start_cleanly");
    let mut nodes =
        vec![r#"(id: "k0", kind: Datagen(fields: [(name: "n", type: Int64)]))"#.to_string()];
    let mut edges = Vec::new();
    for i in 1..=100 {
        nodes.push(format!(r#"(id: "k{i}", kind: KeyBy(columns: ["n"]))"#));
        edges.push(format!(r#"(from: "k{}", to: "k{i}")"#, i - 1));
    }
    nodes.push(r#"(id: "drop", kind: Blackhole())"#.into());
    edges.push(r#"(from: "k100", to: "drop")"#.into());
    let file = dir.write(
        "threads.ron",
        &pipeline(
            &nodes.join(",\n"),
            &edges.join(", "),
            "parallelism: 10, batch_size: 16, channel_capacity: 1",
        ),
    );
    let script = format!(
        "ulimit -v 1048576 && exec '{}' run '{}' --duration 2s",
        env!("CARGO_BIN_EXE_streamlab"),
        arg(&file)
    );
    // One malloc arena, so heap allocations do not reserve address space per thread and run
    // out of it before a thread's stack does.
    let child = Command::new("sh")
        .args(["-c", &script])
        .env("MALLOC_ARENA_MAX", "1")
        // A thread the system starts but cannot give its signal stack panics inside the
        // standard library; capturing a backtrace then, out of memory, can hang the process.
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_for(child, "run threads.ron under ulimit -v");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot start the job: the system refused to start thread"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
