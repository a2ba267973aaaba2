/// The French regions by INSEE code, as alerts and organisations name them.
public enum Region {
    /// INSEE code → name, for the 18 regions (13 metropolitan, 5 overseas).
    public static let names: [String: String] = [
        "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
        "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
        "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
        "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
        "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
    ]

    public static func isKnown(_ code: String) -> Bool { names[code] != nil }

    /// The region scope of a national organisation (the national CERT, the ministry, ANS): every region, so it
    /// receives regional alerts its filters match as well as national ones. Never a region an alert names.
    public static let all = "*"
}
