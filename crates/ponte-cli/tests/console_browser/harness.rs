//! Starts the IXC simulator, `ponte serve` and chromedriver, and opens a headless Chromium.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use ponte_simulators::ixc::{self, IxcConfig, RunningIxc};

pub const ADMIN_TOKEN: &str = "console-test-admin-token-0123456789abcdef";
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// A child process killed when dropped.
pub struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where chromedriver is, or `None` (after failing the test when a browser is required).
fn chromedriver() -> Option<PathBuf> {
    // `CHROMEDRIVER` names another driver; when it is set, nothing else is looked for.
    let found = match std::env::var_os("CHROMEDRIVER") {
        Some(path) => Some(PathBuf::from(path)).filter(|path| path.exists()),
        None => ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .iter()
            .map(PathBuf::from)
            .find(|path| path.exists()),
    };
    if found.is_none() {
        assert!(
            std::env::var("PONTE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "chromedriver was not found (install the Debian packages `chromium` and \
             `chromium-driver`, or set CHROMEDRIVER); PONTE_REQUIRE_BROWSER=1 makes this a failure"
        );
        eprintln!("skipped: chromedriver was not found (set PONTE_REQUIRE_BROWSER=1 to fail)");
    }
    found
}

/// Everything a browser test needs, stopped when dropped.
pub struct Console {
    pub browser: Client,
    pub base: String,
    pub erp: RunningIxc,
    /// The simulator's API token and user id, as an operator would type them.
    pub ixc_token: String,
    pub ixc_user: String,
    pub dir: tempfile::TempDir,
    _ponte: KillOnDrop,
    _driver: KillOnDrop,
}

async fn wait_http(url: &str, what: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(answer) = client.get(url).send().await
            && answer.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not answer {url} within 30 s");
}

/// The simulator's fixed "today".
pub fn today() -> time::Date {
    time::macros::date!(2026 - 03 - 10)
}

impl Console {
    /// The simulator, Ponte (with `extra_config` appended to its configuration file, where
    /// `{IXC_URL}` and `{IXC_USER}` stand for the simulator's base URL and user id) and a
    /// browser; `None` when the browser is missing and not required.
    pub async fn start(extra_config: &str) -> Option<Console> {
        let driver_path = chromedriver()?;
        let config = IxcConfig::with(7, today());
        let ixc_token = config.token.clone();
        let ixc_user = config.user_id.clone();
        let erp = ixc::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("the simulator starts");

        let extra_config = extra_config
            .replace("{IXC_URL}", &erp.base_url())
            .replace("{IXC_USER}", &ixc_user);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ponte.toml"),
            format!(
                r#"
[database]
url = "sqlite://data.db"

[security]
master_key = "env:TEST_MASTER_KEY"
admin_token = "env:TEST_ADMIN_TOKEN"

{extra_config}
"#
            ),
        )
        .unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let ponte = Command::new(env!("CARGO_BIN_EXE_ponte"))
            .args(["serve", "--config"])
            .arg(dir.path().join("ponte.toml"))
            .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("TEST_MASTER_KEY", MASTER)
            .env("TEST_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("TEST_IXC_TOKEN", &ixc_token)
            .env("TEST_IXC_URL", erp.base_url())
            .env("TEST_IXC_USER", &ixc_user)
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("ponte.log")).unwrap(),
            ))
            .spawn()
            .expect("ponte starts");
        let ponte = KillOnDrop(ponte);
        wait_http(&format!("{base}/readyz"), "ponte serve").await;

        let driver_port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = KillOnDrop(driver);
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        wait_http(&format!("{driver_url}/status"), "chromedriver").await;

        let mut caps = serde_json::Map::new();
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1280,1000",
            "--lang=pt-BR",
        ];
        if Path::new("/usr/bin/chromium").exists() {
            caps.insert(
                "goog:chromeOptions".into(),
                serde_json::json!({"args": args, "binary": "/usr/bin/chromium"}),
            );
        } else {
            args.push("--disable-extensions");
            caps.insert(
                "goog:chromeOptions".into(),
                serde_json::json!({"args": args}),
            );
        }
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let browser = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .expect("a headless Chromium session opens");
        Some(Console {
            browser,
            base,
            erp,
            ixc_token,
            ixc_user,
            dir,
            _ponte: ponte,
            _driver: driver,
        })
    }

    /// Opens a console path.
    pub async fn open(&self, path: &str) {
        self.browser
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    /// The current path.
    pub async fn path(&self) -> String {
        self.browser.current_url().await.unwrap().path().to_owned()
    }

    /// Waits until the browser is on `path` (a click's navigation has finished), and fails
    /// saying where it is otherwise.
    pub async fn wait_path(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.path().await;
            if now == path {
                return;
            }
            assert!(Instant::now() < deadline, "on {now}, expected {path}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The visible text of the element `css`.
    /// A page that was still being replaced may hand over an element that is gone by the time
    /// its text is read: that read is tried again on the new page.
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let element = self
                .browser
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no `{css}` on {}: {e}", self.base));
            match element.text().await {
                Ok(text) => return text,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(err) => panic!("`{css}` on {} could not be read: {err}", self.base),
            }
        }
    }

    /// Whether the page has an element `css`.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .browser
            .find_all(Locator::Css(css))
            .await
            .unwrap()
            .is_empty()
    }

    /// Types `value` into the field `css`, replacing what it held.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self
            .browser
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field `{css}`: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks `css` (and lets the page that follows load).
    pub async fn click(&self, css: &str) {
        self.browser
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing to click at `{css}`: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Signs in with the name and password.
    pub async fn sign_in(&self, name: &str, password: &str) {
        self.open("/console/").await;
        assert_eq!(self.path().await, "/console/entrar");
        self.fill("#name", name).await;
        self.fill("#password", password).await;
        self.click("#sign-in").await;
    }

    /// Saves a screenshot as `docs/console/<name>.png` when `PONTE_UPDATE_DOCS=1`.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var("PONTE_UPDATE_DOCS").as_deref() != Ok("1") {
            return;
        }
        let png = self.browser.screenshot().await.unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/console");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Runs `ponte` with the test's configuration and environment (`ponte operators add`...).
    pub fn ponte(&self, args: &[&str], env: &[(&str, &str)]) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ponte"));
        command
            .args(args)
            .arg("--config")
            .arg(self.dir.path().join("ponte.toml"))
            .env("TEST_MASTER_KEY", MASTER)
            .env("TEST_ADMIN_TOKEN", ADMIN_TOKEN)
            .stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let out = command.output().expect("ponte runs");
        assert!(
            out.status.success(),
            "ponte {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Replaces the text of the text area `css` (typing a whole automation key by key would
    /// only slow the test down).
    pub async fn set_text(&self, css: &str, text: &str) {
        self.browser
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![css.into(), text.into()],
            )
            .await
            .unwrap();
    }

    /// The value of the form field `css`.
    pub async fn value(&self, css: &str) -> String {
        self.browser
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field `{css}`: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Ponte's log so far (stderr of the process).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("ponte.log")).unwrap_or_default()
    }

    /// Ends the browser session.
    pub async fn close(self) {
        let Console { browser, .. } = self;
        let _ = browser.close().await;
    }
}
