"""A CERT analyst signs in by pasting a publisher token, composes an alert, previews it as an establishment would
receive it (the email with its "concerne votre …" line, the webhook body), publishes it, and watches the reach board
count the deliveries arrive without reloading the page (the webhook receivers answer late on purpose)."""

from console_harness import Console, check, load_scenario

scenario = load_scenario()
expected = scenario["expectedDeliveries"]

with Console(scenario) as console:
    console.sign_in_with_token(scenario["publisherToken"], next_path="/console/compose")
    console.wait_for("#compose-form")
    check(console.path() == "/console/compose", f"not on the compose page after login: {console.path()}")
    console.check_page_basics()

    # A value with markup is shown as text everywhere, never interpreted.
    console.fill("#title", scenario["alertTitle"])
    console.fill("#summary", "Une vulnérabilité permet l'exécution de code à distance sur le serveur PACS. <b>non interprété</b>")
    console.find("#severity option[value='critical']").click()
    console.find("#tlp option[value='AMBER']").click()
    console.fill("#regions", "28")
    console.fill("#categories", "vulnerability")
    console.fill("#cves", "CVE-2024-3400")
    console.fill("#indicators", "203.0.113.7\ndomain pacs-update.example")
    console.fill("#products", "Philips | Vue PACS | <12.2.8.410")
    console.screenshot("analyst-compose")
    console.click("#preview-button")

    # The preview: who would receive it, and as the chosen establishment would read it.
    console.wait_for("#preview")
    console.check_page_basics()
    check(console.find("#title").get_attribute("value") == scenario["alertTitle"], "the form lost what was typed")
    recipients = int(console.text("[data-count='recipients']"))
    check(recipients == expected, f"the preview counts {recipients} recipients, not {expected}")
    options = [option.text for option in console.find_all("#previewOrg option")]
    check(any(scenario["concernedOrg"] in text for text in options), f"the concerned establishment is not offered: {options}")
    console.find("#previewOrg option[value='%s']" % scenario["concernedOrgId"]).click()
    # The preview page being left has a #preview-email of its own: wait until it has gone, or what follows could
    # read the old page or a new one still loading.
    console.click_to_next_page("#preview-button")
    console.wait_for("#preview-email")
    check(scenario["concernedOrg"] in console.text("#preview-org"), "the preview is not for the chosen establishment")
    mail = console.text("#preview-email")
    check(scenario["concernedOrg"] in mail and "CRITIQUE" in mail, f"the email preview is not the establishment's email: {mail[:600]}")
    # What an establishment declared it runs is shown to admins only (as in the deliveries API): a publisher's
    # preview leaves the "concerne votre …" lines out, and says they are added when the alert is sent.
    check("concerne votre" not in mail.lower(), "a publisher's preview shows the establishment's inventory")
    check(console.find_all("#preview-concerns-withheld"), "the preview does not say the inventory lines are left out")
    check("[TLP:AMBER]" in console.text("#preview-subject"), "the preview's subject has no marking")
    check("203[.]0[.]113[.]7" in mail, "the email preview does not defang the indicator")
    check("<b>non interprété</b>" in console.text("#summary") or "<b>" in console.find("#summary").get_attribute("value"),
          "the summary was not kept as text")
    check(not console.find_all("#preview b"), "markup from a value was interpreted")
    webhook = console.find("#preview-webhook").get_attribute("value")
    check('"type": "alert.published"' in webhook.replace('"type" : ', '"type": ') and '"concerns"' not in webhook,
          f"the webhook body preview is not the delivery's as a publisher may read it: {webhook[:400]}")
    check("ackUrl" not in webhook, "a preview must carry no acknowledgement link")
    console.screenshot("analyst-preview")

    # Publishing leads to the reach board, which fills in without a reload.
    console.click("#publish-button")
    console.wait_for("#reach-board")
    check("/reach" in console.path(), f"not on the reach board after publishing: {console.path()}")
    console.check_page_basics()
    console.driver.execute_script("window.tocsinNotReloaded = true;")
    first = int(console.text("[data-count='delivered']"))
    concerned = int(console.text("[data-count='concerned']"))
    check(first < expected, f"the deliveries arrived before the board was shown ({first}): the test shows nothing")
    check(concerned >= expected, f"concerned is {concerned}, expected at least {expected}")
    check(scenario["unsubscribedOrg"] in console.text("#reach-uninformed"), "the establishment without subscription is not listed as uninformed")
    console.wait_until(lambda: int(console.text("[data-count='delivered']")) == expected, timeout=30,
                       message="the board did not count the deliveries without a reload")
    check(console.driver.execute_script("return window.tocsinNotReloaded === true;"), "the page was reloaded")
    check(console.find("#reach-board").get_attribute("data-live-updates") not in (None, "", "0"), "no live update was applied")
    regions = console.text("#reach-regions")
    check("28" in regions, f"no row for region 28: {regions}")
    uninformed = console.text("#reach-uninformed")
    check(scenario["unsubscribedOrg"] in uninformed and "abonnement" in uninformed, f"the uninformed list says not why: {uninformed}")
    console.screenshot("analyst-reach-board")

    # A revision goes through the same form, filled with the alert; the board then shows revision 2.
    alert_path = console.path().removesuffix("/reach")
    console.open(alert_path + "/edit")
    console.wait_for("#compose-form")
    check(console.find("#title").get_attribute("value") == scenario["alertTitle"], "the revision form is not filled")
    console.check_page_basics()
    console.fill("#summary", "Correctif disponible : mettre à jour Vue PACS en 12.2.8.410.")
    console.click("#preview-button")
    console.wait_for("#publish-button")
    console.click("#publish-button")
    console.wait_for("#reach-board")
    check("révision 2" in console.text("main"), "the board does not show the revision")

    # Cancelling, with a reason, reaches everyone who was told; the board shows the alert cancelled.
    console.open(alert_path + "/edit")
    console.fill("#reason", "Alerte remplacée par l'avis de l'éditeur.")
    console.click("#cancel-button")
    console.wait_for("#reach-board")
    check(console.find_all(".badge.cancelled"), "the board does not show the alert cancelled")

    # A source document is read and reviewed before it goes out, then published.
    console.open("/console/ingest")
    console.wait_for("#ingest-form")
    console.check_page_basics()
    console.find("#document").send_keys(scenario["csafPath"])
    console.click("#ingest-review-button")
    console.wait_for("#ingest-review")
    check(console.find_all("#ingest-review article"), "the review shows no alert")
    check("csaf" in console.text("#review-title"), f"the format was not recognised: {console.text('#review-title')}")
    console.screenshot("analyst-ingest-review")
    console.click("#ingest-publish")
    console.wait_for("#ingest-done")
    check(console.find_all("#ingest-done a[href$='/reach']"), "the published alert has no link to its reach board")

    # The list of the analyst's alerts and the source health page.
    console.open("/console/reach")
    console.wait_for("#published")
    check(len(console.find_all("#published li")) >= 2, "the analyst's alerts are not listed")
    console.check_page_basics()
    console.open("/console/sources")
    console.wait_for("h1")
    console.check_page_basics()
    # An admin's preview shows the establishment's email with its "concerne votre …" line, and the webhook's concerns.
    console.click(".logout button")
    console.wait_until(lambda: console.path().startswith("/console/login"), message="not signed out")
    console.sign_in_with_token(scenario["adminToken"])
    console.wait_until(lambda: not console.path().startswith("/console/login"), message="the admin was not signed in")
    console.open("/console/compose")
    console.wait_for("#compose-form")
    console.fill("#title", "Vue PACS : second avis")
    console.fill("#summary", "Mise à jour requise.")
    console.fill("#regions", "28")
    console.fill("#products", "Philips | Vue PACS | <12.2.8.410")
    console.click("#preview-button")
    console.wait_for("#previewOrg")
    console.find("#previewOrg option[value='%s']" % scenario["concernedOrgId"]).click()
    console.click_to_next_page("#preview-button")
    console.wait_for("#preview-email")
    mail = console.text("#preview-email")
    check("concerne votre" in mail.lower(), f"the admin's email preview has no 'concerne votre …': {mail[:600]}")
    check('"concerns"' in console.find("#preview-webhook").get_attribute("value"), "the admin's webhook preview has no concerns")
    check(not console.find_all("#preview-concerns-withheld"), "an admin's preview says the inventory is withheld")
    console.screenshot("analyst-preview-admin")
    print("ok: composed, previewed as", scenario["concernedOrg"], "published, the board counted", expected, "deliveries live; revised, cancelled, imported a CSAF")
