"""An RSSI follows the emailed "full alert" link while signed out, signs in with the one-time link the test SMTP
server received, lands back on the alert, reads it, acknowledges it, and the acknowledgement is in the reach API."""

import json
import os

from console_harness import Console, Keys, check, load_scenario

scenario = load_scenario()
alert = scenario["alertId"]
alert_path = f"/console/alerts/{alert}"

with Console(scenario) as console:
    # Signed out, the alert's page sends to the login page, which will come back to it.
    console.open(alert_path)
    check(console.path().startswith("/console/login?next=/console/alerts/"), f"not sent to login: {console.path()}")
    console.check_page_basics()
    console.screenshot("login")

    # The link is asked for, read from the mail, opened (a button, nothing more), and pressed.
    console.sign_in_by_email(scenario["rssiEmail"], next_path=alert_path)
    console.wait_for("#ack")
    check(console.path() == alert_path, f"not back on the alert after login: {console.path()}")
    console.check_page_basics()
    check(scenario["alertTitle"] in console.title(), f"title: {console.title()}")
    check("TLP:AMBER" in console.text("#tlp"), "no TLP badge")
    check(console.find_all(".concerns li"), "no 'concerne votre …' line")
    check("203[.]0[.]113[.]7" in console.text("#indicators table"), "indicators not shown defanged")
    check("203.0.113.7" in console.find("#export-csv").get_attribute("value"), "no CSV export")
    stix = json.loads(console.find("#export-stix").get_attribute("value"))
    check(stix["type"] == "bundle" and any(o["type"] == "indicator" for o in stix["objects"]), "no STIX bundle with the indicator")
    misp = json.loads(console.find("#export-misp").get_attribute("value"))
    check(any(a["value"] == "203.0.113.7" for a in misp["Event"]["Attribute"]), "no MISP event with the indicator")
    console.screenshot("rssi-alert")

    # The inbox lists it first, with what it concerns leading.
    console.open("/console/alerts")
    first = console.find("#inbox li.alert-item")
    check(first.get_attribute("data-alert") == alert, "the alert is not first in the inbox")
    check(first.find_element("css selector", ".concerns"), "the inbox item has no 'concerne votre …'")
    console.check_page_basics()
    console.screenshot("rssi-inbox")

    # On a phone: no sideways scrolling.
    console.driver.set_window_size(390, 844)
    console.open(alert_path)
    overflow = console.driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(overflow <= 0, f"the alert page scrolls sideways on a phone by {overflow} px")
    console.screenshot("rssi-alert-phone")
    console.driver.set_window_size(1280, 1000)

    # Keyboard only: the first Tab reaches "skip to content", further Tabs the acknowledge button, Enter presses it.
    console.open(alert_path)
    console.find("body").send_keys(Keys.TAB)
    check("skip" in (console.driver.switch_to.active_element.get_attribute("class") or ""), "the first Tab does not reach 'skip to content'")
    for _ in range(30):
        if console.driver.switch_to.active_element.get_attribute("id") == "ack-button":
            break
        console.driver.switch_to.active_element.send_keys(Keys.TAB)
    check(console.driver.switch_to.active_element.get_attribute("id") == "ack-button", "the acknowledge button is not reachable by Tab")
    console.driver.switch_to.active_element.send_keys(Keys.ENTER)
    done = console.wait_for("#ack-done")
    check(scenario["rssiName"] in done.text, f"acknowledgement does not name the RSSI: {done.text}")
    console.screenshot("rssi-alert-acknowledged")

    # The acknowledgement is the API's: the reach report counts it for the organisation.
    status, report = console.api("GET", f"/api/v1/alerts/{alert}/reach", scenario["adminToken"])
    check(status == 200, f"reach: {status}")
    rows = [row for row in report.get("organisations", []) if row.get("orgId") == scenario["orgId"]]
    acknowledged = report.get("counts", {}).get("acknowledged")
    check(acknowledged == 1, f"the reach report does not count the acknowledgement: {report}")
    # The inventory: what was declared, the alert that matches it, and a CSV upload that replaces it.
    console.open("/console/inventory")
    console.check_page_basics()
    check("Vue PACS" in console.text("#items"), "the declared item is not shown")
    check(console.find("#matching li.alert-item").get_attribute("data-alert") == alert, "the matching alert is not listed")
    console.screenshot("rssi-inventory")
    csv_path = os.path.join(scenario["screenshots"], "inventory.csv")
    with open(csv_path, "w", encoding="utf-8") as handle:
        handle.write("éditeur;produit;version;libellé\nPhilips;Vue PACS;12.2.6.10;PACS radiologie\nFortinet;FortiOS;7.2.4;Pare-feu\n")
    console.find("#file").send_keys(csv_path)
    console.fill("#part", "radiologie")
    console.click("#inventory-submit")
    message = console.wait_for("#inventory-message")
    check("2" in message.text, f"upload not confirmed: {message.text}")
    check("PACS radiologie" in console.text("#items") and "radiologie" in console.text("#parts"), "the uploaded part is not shown")
    console.find("#file").send_keys(csv_path.replace("inventory.csv", "login.png"))
    console.click("#inventory-submit")
    check("refusé" in console.wait_for("#inventory-error").text, "a file that is no inventory is not refused")

    # The organisation: its contacts, subscriptions and escalation policies.
    console.open("/console/organisation")
    console.check_page_basics()
    check(scenario["rssiEmail"] in console.text("#contacts"), "the contact is not listed")
    check(scenario["rssiEmail"] in console.text("#subscriptions"), "the subscription is not listed")
    check(console.find_all("ol.steps li"), "no escalation step shown")
    console.screenshot("rssi-organisation")
    print("ok: signed in by email, read the alert, acknowledged it; reach counts", acknowledged, rows[:1])
