import Foundation

/// The TLP 2.0 marking definitions OASIS publishes in cti-stix-common-objects (`objects/marking-definition/`), as
/// published: each constant is the file's text byte for byte (a bundle holding the one marking-definition), so that
/// what Tocsin serves is the official object with its official id, which consumers recognise by id.
///
/// `TLP:GREEN`, `TLP:AMBER+STRICT` and `TLP:RED` are the files of the repository; `TLP:CLEAR` and `TLP:AMBER` carry the
/// ids and properties OASIS published for them (same `created`, `name` and `tlp_2_0` extension), laid out as the
/// others.
public enum STIXMarkings {
    /// The id of the TLP 2.0 property extension the markings use.
    public static let extensionDefinitionId = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The official marking-definition id of a TLP level.
    public static func id(_ tlp: TLP) -> String {
        switch tlp {
        case .clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        }
    }

    /// The published file of a TLP level, byte for byte: a bundle holding its marking-definition.
    public static func publishedBundle(_ tlp: TLP) -> String {
        switch tlp {
        case .clear: clear
        case .green: green
        case .amber: amber
        case .amberStrict: amberStrict
        case .red: red
        }
    }

    /// The marking-definition object of a TLP level, as the published file holds it (key order aside).
    public static func object(_ tlp: TLP) -> [String: Any] {
        let bundle = (try? JSONSerialization.jsonObject(with: Data(publishedBundle(tlp).utf8))) as? [String: Any]
        return ((bundle?["objects"] as? [[String: Any]])?.first) ?? [:]
    }

    static let green = """
{
    "type": "bundle",
    "id": "bundle--ef1047f3-d819-42e6-bba1-ea87a9b400a0",
    "objects": [
        { 
	    "type": "marking-definition", 
	    "spec_version": "2.1", 
	    "id": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", 
	    "created": "2022-10-01T00:00:00.000Z", 
	    "name": "TLP:GREEN",
	    "extensions": {
		"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
			"extension_type": "property-extension",
			"tlp_2_0" : "green"
		}
	    }
	}
    ]
}

"""

    static let amberStrict = """
{
    "type": "bundle",
    "id": "bundle--d6e3c0b4-f916-4d15-a01f-e3761c5f48ac",
    "objects": [
        { 
            "type": "marking-definition", 
            "spec_version": "2.1", 
            "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", 
            "created": "2022-10-01T00:00:00.000Z", 
            "name": "TLP:AMBER+STRICT",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                        "extension_type": "property-extension",
                        "tlp_2_0" : "amber+strict"
                }
            }
        }
    ]
}


"""

    static let red = """
{
    "type": "bundle",
    "id": "bundle--22b0976c-1b39-442f-ba06-95b961f16be8",
    "objects": [
        { 
	    "type": "marking-definition", 
	    "spec_version": "2.1", 
	    "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", 
	    "created": "2022-10-01T00:00:00.000Z", 
	    "name": "TLP:RED",
	    "extensions": {
		"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
			"extension_type": "property-extension",
			"tlp_2_0" : "red"
		}
	    }
	}
    ]
}

"""

    static let clear = """
{
    "type": "bundle",
    "id": "bundle--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "objects": [
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:CLEAR",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "clear"
                }
            }
        }
    ]
}

"""

    static let amber = """
{
    "type": "bundle",
    "id": "bundle--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "objects": [
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:AMBER",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "amber"
                }
            }
        }
    ]
}

"""
}
