import CCurl
import Foundation

/// A long-lived HTTP GET whose body is handed over chunk by chunk as it arrives, for following a live stream.
///
/// It blocks the calling thread for the life of the connection: run it on a thread of its own, never in a task.
public enum CurlStream {
    private final class Context {
        let onData: ([UInt8]) -> Bool
        init(onData: @escaping ([UInt8]) -> Bool) { self.onData = onData }
    }

    /// Follows `url` until the server closes, the connection fails, or `onData` returns false.
    /// Returns the HTTP status (0 when no answer came).
    public static func get(url: String, headers: [(String, String)], connectTimeout: TimeInterval = 10,
                           onData: @escaping ([UInt8]) -> Bool) -> Result<Int, HTTPClientError> {
        Curl.initialize()
        guard let handle = curl_easy_init() else { return .failure(.transport("cannot create a curl handle")) }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        defer { curl_slist_free_all(list) }
        let context = Unmanaged.passRetained(Context(onData: onData)).toOpaque()
        defer { Unmanaged<Context>.fromOpaque(context).release() }
        // A terminal may need its environment's proxy to reach the broker; no address is pinned here.
        Curl.prepare(handle, url: url, protocols: "http,https", timeout: nil, connectTimeout: connectTimeout, environmentProxies: true)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
        ccurl_setopt_writefn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let context = Unmanaged<Context>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = pointer.withMemoryRebound(to: UInt8.self, capacity: total) { Array(UnsafeBufferPointer(start: $0, count: total)) }
            return context.onData(bytes) ? total : 0
        }
        let code = curl_easy_perform(handle)
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if code != CURLE_OK && code != CURLE_WRITE_ERROR && status == 0 {
            return .failure(.transport(String(cString: curl_easy_strerror(code))))
        }
        return .success(status)
    }
}
