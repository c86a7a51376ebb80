//! Tells the tests whether a PostgreSQL server was named when they were built, so that without
//! one the PostgreSQL tests are listed as ignored, with the reason, in the test summary rather
//! than passing without having run.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ponte_postgres_tests)");
    println!("cargo::rerun-if-env-changed=PONTE_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=PONTE_REQUIRE_POSTGRES");
    let named = std::env::var_os("PONTE_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty());
    if std::env::var("PONTE_REQUIRE_POSTGRES").as_deref() == Ok("1") && !named {
        // CI asks for the PostgreSQL tests: building them as ignored would hide that they
        // never ran.
        panic!(
            "PONTE_REQUIRE_POSTGRES=1 but PONTE_TEST_POSTGRES_URL is not set: point it at a \
             server whose user may create databases"
        );
    }
    if named {
        println!("cargo::rustc-cfg=ponte_postgres_tests");
    }
}
