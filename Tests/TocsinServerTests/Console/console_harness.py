"""Shared harness of the console's browser tests: headless Chromium driven by Selenium against a live broker.

Each script is run by ConsoleBrowserTests.swift as `python3 <script> <scenario.json>`. The scenario file says where
the broker listens (`baseUrl`), where the test SMTP server writes the mail it accepts (`smtpDir`, one <n>.eml per
message), where to save screenshots (`screenshots`) and whatever the script needs (tokens, ids, addresses).

A script opens one browser for all its steps (`with Console(scenario) as console:`), and fails by raising (the
Swift test reports the output and the exit status). Screenshots are saved under `screenshots/<name>.png`.
"""

import email
import email.policy
import glob
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

__all__ = ["Console", "By", "Keys", "load_scenario", "check"]


def load_scenario():
    """The scenario file named on the command line, as a dict."""
    with open(sys.argv[1], encoding="utf-8") as handle:
        return json.load(handle)


def check(condition, message):
    """Fails the script with `message` unless `condition` holds."""
    if not condition:
        raise AssertionError(message)


class Console:
    """One headless Chromium on the broker's console, with helpers for what every script does."""

    def __init__(self, scenario, width=1280, height=1000):
        self.scenario = scenario
        self.base = scenario["baseUrl"].rstrip("/")
        self.screenshots = scenario["screenshots"]
        os.makedirs(self.screenshots, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                         "--disable-extensions", "--disable-background-networking", f"--window-size={width},{height}",
                         "--lang=fr-FR"):
            options.add_argument(argument)
        service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(20)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            try:
                self.screenshot("failure-" + os.path.basename(sys.argv[0]).removesuffix(".py"))
                print("page at failure:", self.driver.current_url, file=sys.stderr)
                print(self.driver.page_source[:4000], file=sys.stderr)
            except Exception:  # noqa: BLE001 - the original failure matters more
                pass
        self.driver.quit()
        return False

    # Navigation

    def open(self, path):
        """Opens a path of the broker (or a full URL) and waits for the page."""
        self.driver.get(path if path.startswith("http") else self.base + path)
        return self

    def path(self):
        """The path (and query) of the page shown."""
        url = self.driver.current_url
        return url[len(self.base):] if url.startswith(self.base) else url

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector="body"):
        return self.find(selector).text

    def title(self):
        return self.find("h1").text

    def wait_for(self, selector, timeout=10):
        """Waits until `selector` is present, and returns it."""
        return WebDriverWait(self.driver, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def wait_until(self, predicate, timeout=10, message="condition not met"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(message)

    def fill(self, selector, value):
        field = self.find(selector)
        field.clear()
        field.send_keys(value)
        return field

    def click(self, selector):
        self.find(selector).click()
        return self

    def click_to_next_page(self, selector, timeout=120):
        """Clicks what submits (a selector, or the element itself) a form or follows a link, and waits until the page it was on has gone, so that what is
        looked for next is found on the new page, not on the old one."""
        old = self.find("html")
        (self.find(selector) if isinstance(selector, str) else selector).click()

        def gone(_driver):
            # Chromium reports a node of the old page either as stale or, while the new page replaces it, as a node
            # that "does not belong to the document": both mean the old page has gone.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, timeout).until(gone)
        return self

    def screenshot(self, name):
        """Saves the whole page as `<screenshots>/<name>.png` and returns the path."""
        path = os.path.join(self.screenshots, name + ".png")
        height = self.driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
        self.driver.set_window_size(self.driver.get_window_size()["width"], min(int(height) + 40, 4000))
        self.driver.save_screenshot(path)
        return path

    # Checks every page should pass

    def check_page_basics(self):
        """The page has a language, a title, labelled form fields and the broker's own stylesheet and script only."""
        html = self.find("html")
        check(html.get_attribute("lang") in ("fr", "en"), "the page has no lang attribute")
        check(self.find_all("h1"), "the page has no heading")
        for field in self.find_all("input:not([type=hidden]), textarea, select"):
            field_id = field.get_attribute("id")
            check(field_id and self.find_all(f"label[for='{field_id}']"), f"field {field.get_attribute('name')} has no label")
        for element in self.find_all("script[src], link[href]"):
            url = element.get_attribute("src") or element.get_attribute("href")
            check(url.startswith(self.base + "/console/static/"), f"the page loads {url}, not from the broker")
        check(not self.find_all("script:not([src])"), "the page has an inline script")
        # Words the page wrote itself; what it quotes (a webhook body's "alert.published", an email) is left out.
        own_text = self.driver.execute_script(
            "const b = document.body.cloneNode(true);"
            "b.querySelectorAll('pre, code, textarea').forEach(e => e.remove());"
            "return b.textContent;")
        untranslated = re.findall(r"\b(?:layout|errors|login|inbox|alert|inventory|organisation)\.[a-z][a-zA-Z]+\b", own_text)
        check(not untranslated, f"words missing from the messages: {untranslated}")

    # Signing in

    def sign_in_with_token(self, token, next_path=None):
        self.open("/console/login" + (f"?next={next_path}" if next_path else ""))
        self.fill("#token", token)
        self.click("#token-submit")
        return self

    def mail_count(self):
        return len(glob.glob(os.path.join(self.scenario["smtpDir"], "*.eml")))

    def wait_for_mail(self, to, after_count, timeout=15):
        """The first message to `to` received after `after_count` messages, parsed."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            files = sorted(glob.glob(os.path.join(self.scenario["smtpDir"], "*.eml")),
                           key=lambda name: int(os.path.basename(name)[:-4]))
            for name in files[after_count:]:
                with open(name, "rb") as handle:
                    message = email.message_from_binary_file(handle, policy=email.policy.default)
                if to.lower() in str(message["To"]).lower():
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} within {timeout} s")

    @staticmethod
    def mail_text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    def sign_in_by_email(self, address, next_path=None):
        """Asks for a login link, reads it from the test SMTP server, opens it (a page with a button: nothing
        happens on GET) and presses the button. Returns the link's URL."""
        before = self.mail_count()
        self.open("/console/login" + (f"?next={next_path}" if next_path else ""))
        self.fill("#email", address)
        self.click("#email-submit")
        self.wait_for("#login-message")
        message = self.wait_for_mail(address, before)
        found = re.search(r"https?://\S+/console/login/link/[A-Za-z0-9_-]+", self.mail_text(message))
        check(found, "the login mail has no link")
        link = found.group(0)
        # The broker's public URL names the same broker; open the link on the address the test reaches it at.
        link = self.base + link[link.index("/console/"):]
        self.open(link)
        self.wait_for("#link-submit")
        self.click("#link-submit")
        return link

    # The API beside the browser

    def api(self, method, path, token, body=None):
        """Calls the JSON API with a bearer token: (status, parsed body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except ValueError:
                return error.code, None

    def status_of(self, path):
        """The HTTP status of a GET of `path` in the browser, with its cookies (the Performance API gives none, so
        the page is fetched again from the page itself)."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'}).then(r => done(r.status), () => done(-1));",
            self.base + path)
