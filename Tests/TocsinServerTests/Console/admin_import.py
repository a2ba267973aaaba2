"""An admin imports 3,000 establishments through the console: a file with a bad row is refused and the page names
that row's line; the good file's dry run says what would be created, the button applies it, and the same file again
changes nothing. Then an organisation created by the form and a token issued (shown once) and revoked."""

from console_harness import Console, check, load_scenario

scenario = load_scenario()
count = scenario["count"]

with Console(scenario) as console:
    console.sign_in_with_token(scenario["adminToken"])
    console.wait_for("nav")
    console.open("/console/admin/import")
    console.wait_for("#import-file")
    console.check_page_basics()

    # The bad file: refused, with the line of the bad row and its reason; nothing stored.
    console.find("#import-file").send_keys(scenario["badFile"])
    console.click_to_next_page("#import-submit")
    console.wait_for("#fault-lines", timeout=60)
    console.check_page_basics()
    lines = [cell.text for cell in console.find_all("#fault-lines td.line")]
    check(str(scenario["badLine"]) in lines, f"the bad row's line {scenario['badLine']} is not named: {lines}")
    reasons = " ".join(cell.text for cell in console.find_all("#fault-lines td.reason"))
    check("finess" in reasons.lower(), f"the reason does not name the FINESS number: {reasons}")
    check(not console.find_all("#import-apply"), "a refused file can be applied")
    console.screenshot("admin-import-refused")

    # The good file: a dry run first.
    console.find("#import-file").send_keys(scenario["goodFile"])
    console.click_to_next_page("#import-submit")
    console.wait_for("#report-counts", timeout=60)
    counts = console.find("#report-counts")
    check(counts.get_attribute("data-dry-run") == "true", "the upload was not a dry run")
    check(counts.get_attribute("data-created") == str(count), f"the dry run does not create {count}: {counts.text}")
    check(len(console.find_all("#changes tbody tr")) > 0, "the dry run lists no changes")
    console.screenshot("admin-import-dry-run")
    status, listed = console.api("GET", "/api/v1/orgs?limit=500", scenario["adminToken"])
    check(status == 200 and not any(item.get("finess") for item in listed["items"]), "the dry run stored establishments")

    # Applied.
    console.click_to_next_page("#import-apply")
    console.wait_for("#report-counts", timeout=120)
    counts = console.find("#report-counts")
    check(counts.get_attribute("data-dry-run") == "false", "the import was not applied")
    check(counts.get_attribute("data-created") == str(count), f"the import did not create {count}: {counts.text}")
    console.screenshot("admin-import-applied")

    # The same file again: nothing to change, nothing to apply.
    console.find("#import-file").send_keys(scenario["goodFile"])
    console.click_to_next_page("#import-submit")
    console.wait_for("#report-counts", timeout=60)
    counts = console.find("#report-counts")
    check(counts.get_attribute("data-created") == "0" and counts.get_attribute("data-unchanged") == str(count),
          f"importing the same file again changes something: {counts.text}")
    check(not console.find_all("#import-apply"), "nothing to apply, yet a button")

    # The organisations' page lists them, and its form creates one.
    console.open("/console/admin/orgs")
    console.wait_for("#orgs")
    console.check_page_basics()
    console.fill("#org-name", "CERT Santé de test")
    console.find("#org-kind option[value='CERT']").click()
    console.click("#org-submit")
    console.wait_for("#org-created")
    console.screenshot("admin-orgs")

    # A token issued: its value shown once, on that page only; then revoked.
    console.open("/console/admin/tokens")
    console.wait_for("#token-role")
    console.check_page_basics()
    console.find("#token-role option[value='publisher']").click()
    console.fill("#token-label", "analyste de garde")
    console.click("#token-submit")
    console.wait_for("#issued-secret")
    secret = console.find("#issued-secret").get_attribute("value")
    check(secret.startswith("tcs_"), "no token value shown")
    console.screenshot("admin-token-issued")
    status, _ = console.api("GET", "/api/v1/alerts", secret)
    check(status == 200, f"the issued token does not work: {status}")
    console.open("/console/admin/tokens")
    check(secret not in console.driver.page_source, "the token's value is shown again")
    row = [r for r in console.find_all("#tokens tbody tr") if "analyste de garde" in r.text][0]
    console.click_to_next_page(row.find_element("css selector", "button.revoke"))
    console.wait_for("#tokens")
    row = [r for r in console.find_all("#tokens tbody tr") if "analyste de garde" in r.text][0]
    check(not row.find_elements("css selector", "button.revoke"), "the token is still revocable")
    status, _ = console.api("GET", "/api/v1/alerts", secret)
    check(status == 401, f"the revoked token still works: {status}")
    print(f"ok: {count} establishments imported through the console, the bad line named, organisations and tokens")
