/// The OpenAPI 3.1 description of the REST API, served at `/api/v1/openapi.json`.
///
/// The document is the file `Sources/TocsinServer/Resources/openapi.json`, embedded in the binary when it is built
/// (`.embedInCode` in `Package.swift`) and served as it is: edit the file, not this type.
enum OpenAPIDocument {
    /// The bytes of `openapi.json`, exactly as they are in the repository.
    static var bytes: [UInt8] { PackageResources.openapi_json }
}
