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
        "\nfrom pyflink.common import Configuration\n\
         from pyflink.table import EnvironmentSettings, TableEnvironment\n\n\
         config = Configuration()\n",
    );
    for (key, value) in &script.settings {
        out.push_str(&format!("config.set_string({}, {})\n", py(key), py(value)));
    }
    // Given when the environment is made, so the target (local or a cluster) applies.
    out.push_str(
        "settings = EnvironmentSettings.new_instance().in_streaming_mode()\
         .with_configuration(config).build()\n\
         env = TableEnvironment.create(settings)\n\n",
    );
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
    match &script.cluster {
        Some(cluster) => out.push_str(&format!(
            "job = inserts.execute()\n\
             print(\"submitted job\", job.get_job_client().get_job_id(), \"to\", {}, flush=True)\n",
            py(cluster)
        )),
        None => out.push_str("inserts.execute().wait()\n"),
    }
    out
}
