import DingSyncBasics
import DingSyncProcessing
import Foundation

extension DingTalkClient {
    /// The detail of one instance, decoded into the one model of both families.
    ///
    /// Throws `APIError` when the call fails and `DingTalkDecodingError` when the answer is
    /// malformed; both concern this instance only.
    public func instanceDetail(id: String, processCode: String) async throws -> InstanceDetail {
        switch family {
        case .legacy:
            let data = try await legacyPost(
                "/topapi/processinstance/get", api: "processinstance/get", body: ["process_instance_id": .string(id)])
            let detail = try InstanceDetail.decodeLegacy(
                data, instanceId: id, processCode: processCode, timeZone: options.timeZone)
            try detail.checkComplete(endpoint: DingTalkDecodingError.legacyEndpoint)
            return detail
        case .new, .premium:
            let data = try await newRequest(
                "GET", "/v1.0/workflow/processInstances", api: "processinstance/get",
                query: [URLQueryItem(name: "processInstanceId", value: id)])
            let zone = options.timeZone
            let (reading, decidedNow) = await timeReading.reading {
                try? NewAPITimeReading.detect(responseBody: data, instanceId: id, timeZone: zone)
            }
            if let decidedNow { logger.info("new-API times are read as \(reading.rawValue): \(decidedNow)") }
            let detail = try InstanceDetail.decodeNewAPI(
                data, instanceId: id, processCode: processCode, timeReading: reading, timeZone: zone)
            try detail.checkComplete(endpoint: DingTalkDecodingError.newEndpoint)
            return detail
        }
    }

    /// How new-API times are being read in this run, and why (nil until decided).
    public func newAPITimeReading() async -> (reading: NewAPITimeReading, reason: String)? {
        guard let decided = await timeReading.decided else { return nil }
        return (decided, await timeReading.reason ?? "")
    }
}
