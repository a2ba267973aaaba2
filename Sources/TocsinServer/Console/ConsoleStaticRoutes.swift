import Foundation
import Hummingbird
import NIOCore

/// `/console/static/console.css` and `/console/static/console.js`: the console's only stylesheet and script,
/// compiled into the binary (`Sources/TocsinServer/Resources/console.css`, `console.js`) and served by the broker
/// itself, so that the Content-Security-Policy `default-src 'self'` lets them load and nothing else.
enum ConsoleStaticRoutes {
    static func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("static/console.css") { _, _ in file(PackageResources.console_css, type: "text/css; charset=utf-8") }
        group.get("static/console.js") { _, _ in file(PackageResources.console_js, type: "text/javascript; charset=utf-8") }
    }

    static func file(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
