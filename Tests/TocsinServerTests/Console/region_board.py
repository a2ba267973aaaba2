"""A regional agency (ARS) signed in with its relay token sees, on its board, the counts of its own region under each
alert, and on the alert's page the establishments of its region and how far the alert got with each (and what its
own broker reported), never an establishment of another region; the same on the page of establishments no channel
reaches; and the upstreams' health."""

from console_harness import Console, check, load_scenario

scenario = load_scenario()

with Console(scenario) as console:
    console.sign_in_with_token(scenario["relayToken"])
    console.wait_for("nav")
    menu = [link.get_attribute("href") for link in console.find_all("nav a")]
    check(any(href.endswith("/console/region") for href in menu), f"no regional board in the menu: {menu}")
    check(not any("/console/admin/" in href for href in menu), "an agency sees the admin's pages in its menu")

    console.open("/console/region")
    console.wait_for("#region-board")
    console.check_page_basics()
    check(console.find("#region-board").get_attribute("data-region") == "28", "the board is not Normandie's")
    item = console.find(f"#region-board li[data-alert='{scenario['alertId']}']")
    # The board counts the region's establishments under each alert; it names none of them.
    counts = {name: item.find_element("css selector", f"p.counts.direct strong.{name}").text
              for name in scenario["ownCounts"]}
    check(counts == scenario["ownCounts"], f"the region's counts are not {scenario['ownCounts']}: {counts}")
    check(item.find_elements("css selector", "p.counts.relayed"), "what the agency's broker reported is not counted")
    page = console.driver.page_source
    for name in scenario["otherRegion"]:
        check(name not in page, f"{name}, of another region, is on the board")
    console.screenshot("ars-board")

    # One alert's page: each establishment of the region and how far the alert got with it.
    console.click_to_next_page(item.find_element("css selector", "a.region-alert"))
    console.wait_for("#region-alert")
    console.check_page_basics()
    check(console.path().startswith("/console/region/alerts/"), f"the alert's link leads to {console.path()}")
    check(console.find("#region-alert").get_attribute("data-alert") == scenario["alertId"], "not the alert's page")
    direct = [cell.text for cell in console.find_all("table.establishments td.org-name")]
    for name in scenario["ownRegion"]:
        check(name in direct, f"{name} (of the region) is not on the alert's page: {direct}")
    relayed = [cell.text for cell in console.find_all("table.relayed td.org-name")]
    check(scenario["relayedOwn"] in relayed, f"the establishment the agency's broker reported is missing: {relayed}")
    page = console.driver.page_source
    for name in scenario["otherRegion"]:
        check(name not in page, f"{name}, of another region, is on the alert's page")
    # The establishment reached by email shows as delivered; the one with no channel as not delivered, and why.
    rows = {row.find_element("css selector", "td.org-name").text: row.get_attribute("class")
            for row in console.find_all("table.establishments tbody tr")}
    check(rows.get(scenario["reachable"]) in ("step-delivered", "step-seen", "step-acknowledged"), f"not delivered: {rows}")
    check(rows.get(scenario["unreachable"]) == "step-concerned", f"an establishment without a channel is not shown as uninformed: {rows}")
    console.screenshot("ars-alert")
    # An alert of another region reads like one that does not exist.
    check(console.status_of(f"/console/region/alerts/{scenario['otherAlertId']}") == 404, "an alert of another region opens")
    check(console.status_of("/console/region/alerts/no-such-alert") == 404, "an unknown alert opens")

    console.open("/console/region/unreachable")
    console.wait_for("#unreachable")
    console.check_page_basics()
    names = [cell.text for cell in console.find_all("#unreachable td.org-name")]
    check(scenario["unreachable"] in names, f"{scenario['unreachable']} is not listed as unreachable: {names}")
    check(scenario["reachable"] not in names, "a reachable establishment is listed as unreachable")
    for name in scenario["otherRegion"]:
        check(name not in console.driver.page_source, f"{name}, of another region, is listed")
    console.screenshot("ars-unreachable")

    console.open("/console/region/upstreams")
    console.wait_for("main h1")
    console.check_page_basics()
    check(console.find_all("#no-upstream") or console.find_all("#upstreams"), "no upstream health shown")
    console.screenshot("ars-upstreams")

    # The admin's pages are not the agency's.
    check(console.status_of("/console/admin/orgs") == 403, "an agency opens the admin's organisations")
    check(console.status_of("/console/admin/import") == 403, "an agency opens the import page")
    print("ok: the agency's board, its unreachable establishments and the upstreams, its region only")
