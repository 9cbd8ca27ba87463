import Foundation
import RotorModel

/// Prints results as text for people or as JSON for programs. Bytes that are
/// not valid UTF-8 are shown base64-encoded (JSON key suffix `_base64`).
struct Output {
    var json: Bool

    func emit(text: String, json object: [String: Any]) {
        if json {
            print(Self.encode(object))
        } else {
            print(text)
        }
    }

    func error(_ error: KVError) {
        if json {
            var object: [String: Any] = ["error": "\(error.code)", "message": error.message]
            if let hint = error.leaderEndpoint { object["leader_endpoint"] = hint }
            FileHandle.standardError.write(Data((Self.encode(object) + "\n").utf8))
        } else {
            FileHandle.standardError.write(Data("rotorkv: \(error)\n".utf8))
        }
    }

    static func encode(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Text for display: the UTF-8 string, or base64 for other bytes.
    static func text(_ bytes: Bytes) -> String {
        String(validating: bytes, as: UTF8.self) ?? "base64:" + Data(bytes).base64EncodedString()
    }

    /// Adds `name` (UTF-8) or `name_base64` to a JSON object.
    static func put(_ bytes: Bytes?, as name: String, in object: inout [String: Any]) {
        guard let bytes else {
            object[name] = NSNull()
            return
        }
        if let string = String(validating: bytes, as: UTF8.self) {
            object[name] = string
        } else {
            object[name + "_base64"] = Data(bytes).base64EncodedString()
        }
    }
}
