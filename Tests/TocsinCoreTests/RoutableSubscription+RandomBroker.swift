import TocsinCore
import TocsinTestSupport

extension RoutableSubscription {
    /// Six establishments of the randomised relay tests' broker `index`, each with a random clearance and either no
    /// region or one of `regions`.
    static func randomEstablishments(ofBroker index: Int, regions: [String], using random: inout SplitMix64) -> [RoutableSubscription] {
        (0..<6).map { n in
            RoutableSubscription(subscriptionId: "b\(index)-s\(n)", orgId: "b\(index)-o\(n)", channel: Channel("webhook"),
                                 clearance: TLP.allCases.randomElement(using: &random)!,
                                 orgRegion: Bool.random(using: &random) ? Region.all : regions.randomElement(using: &random)!,
                                 filter: SubscriptionFilter())
        }
    }
}
