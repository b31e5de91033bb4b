//! The script as a PyFlink program: the same settings and statements, run by
//! `python3 job.py` with `pip install apache-flink`.

use super::FlinkScript;

/// A Python string literal: JSON's escapes are Python's.
fn py(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

pub(super) fn render(script: &FlinkScript) -> String {
    let mut out = format!(
        "# PyFlink job of the pipeline {}, exported by Streamlab.\n\
         # Run it with `python3 {}` after `pip install apache-flink`.\n",
        py(&script.name),
        "job.py"
    );
    for note in &script.notes {
        out.push_str(&format!("# Note: {note}\n"));
    }
    out.push_str(
        "\nfrom pyflink.table import EnvironmentSettings, TableEnvironment\n\n\
         env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())\n\
         config = env.get_config()\n",
    );
    for (key, value) in &script.settings {
        out.push_str(&format!("config.set({}, {})\n", py(key), py(value)));
    }
    out.push('\n');
    for statement in &script.definitions {
        for line in &statement.comment {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str(&format!("env.execute_sql({})\n", py(&statement.sql)));
    }
    out.push_str("\ninserts = env.create_statement_set()\n");
    for statement in &script.inserts {
        out.push_str(&format!("inserts.add_insert_sql({})\n", py(&statement.sql)));
    }
    out.push_str("inserts.execute().wait()\n");
    out
}
