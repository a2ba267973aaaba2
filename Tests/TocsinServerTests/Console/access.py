"""A subscriber signed in with its token cannot open an alert its organisation may not read by editing the URL: the
console answers 404, as the API does. A POST without the CSRF token, or with another, is refused with 403."""

from console_harness import Console, check, load_scenario

scenario = load_scenario()
token = scenario["subscriberToken"]

with Console(scenario) as console:
    console.sign_in_with_token(token)
    console.wait_for("#inbox")
    check(console.path() == "/console/alerts", f"not on the inbox after login: {console.path()}")
    listed = [item.get_attribute("data-alert") for item in console.find_all("#inbox li.alert-item")]
    check(scenario["alertId"] in listed, "the organisation's alert is not listed")
    for hidden in scenario["hiddenAlertIds"]:
        check(hidden not in listed, "an alert of another region or above the clearance is listed")

    # Editing the URL to another organisation's alert: 404 in the console, 404 in the API.
    for hidden in scenario["hiddenAlertIds"]:
        console.open(f"/console/alerts/{hidden}")
        check(console.status_of(f"/console/alerts/{hidden}") == 404, "the console does not answer 404")
        check(scenario["hiddenTitle"] not in console.driver.page_source, "the hidden alert's title shows")
        status, _ = console.api("GET", f"/api/v1/alerts/{hidden}", token)
        check(status == 404, f"the API answers {status}")
    console.screenshot("subscriber-not-found")
    check(console.status_of("/console/alerts/no-such-alert") == 404, "an unknown alert is not 404")

    # A POST without the CSRF token: the acknowledge form with its token taken out.
    console.open(f"/console/alerts/{scenario['alertId']}")
    console.driver.execute_script("document.querySelector('#ack form input[name=csrf]').remove();")
    console.click("#ack-button")
    console.wait_for("main .notice.error")
    check(console.status_of(f"/console/alerts/{scenario['alertId']}") == 200, "the page itself is not 200")
    check("Formulaire refusé" in console.title() or "Form refused" in console.title(), f"not refused: {console.title()}")
    console.screenshot("csrf-refused")

    # With a token that is not the session's.
    console.open(f"/console/alerts/{scenario['alertId']}")
    console.driver.execute_script("document.querySelector('#ack form input[name=csrf]').value = 'forged';")
    console.click("#ack-button")
    console.wait_for("main .notice.error")
    check("Formulaire refusé" in console.title() or "Form refused" in console.title(), f"not refused: {console.title()}")

    # Neither recorded an acknowledgement.
    status, report = console.api("GET", f"/api/v1/alerts/{scenario['alertId']}/reach", scenario["adminToken"])
    check(status == 200 and report.get("counts", {}).get("acknowledged") == 0, f"an acknowledgement was recorded: {report}")

    # Signing out ends the session: the inbox sends to the login page again.
    console.open("/console/alerts")
    console.click("form.logout button")
    console.wait_for("#email")
    console.open("/console/alerts")
    check(console.path().startswith("/console/login"), f"still signed in after logout: {console.path()}")
    print("ok: 404 for alerts the organisation may not read, 403 without the CSRF token, logout ends the session")
