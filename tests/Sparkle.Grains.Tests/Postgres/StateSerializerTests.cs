using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Silo;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>Grain state is written in Orleans' binary form; rows of the JSON form written before still load.</summary>
public sealed class StateSerializerTests
{
    [Fact]
    public async Task WritesBinaryAndReadsTheLegacyJsonRows()
    {
        var serviceId = $"ser-{Guid.NewGuid():N}";
        await using var silo = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId);
        var services = silo.Host.Services;
        var serializer = new StateSerializer(services.GetRequiredService<Serializer>(), services.GetRequiredService<OrleansJsonSerializer>());
        var legacy = new JsonGrainStorageSerializer(services.GetRequiredService<OrleansJsonSerializer>());
        var meeting = new MeetingState
        {
            Exists = true,
            TenantId = Guid.NewGuid(),
            ConferenceNumber = "123456",
            Spec = new MeetingSpec("Title", [], AdHoc: true),
            Participants = [new ParticipantRecord { Id = "p1", Uri = "sip:1001@x.test", State = CallState.Connected, AudioSsrc = 7 }],
            Version = 42,
            RoleOverrides = { ["1002"] = Identity.Role.Chair },
        };
        var catalog = new TenantCatalogState { Meetings = { [Guid.NewGuid()] = new CatalogMeeting { ConferenceNumber = "conf-ab", Members = ["1001"] } } };

        var binary = serializer.Serialize(meeting);
        var json = legacy.Serialize(meeting);
        Assert.NotEqual((byte)'{', binary.ToMemory().Span[0]);
        Assert.True(binary.ToMemory().Length < json.ToMemory().Length);
        foreach (var form in new[] { binary, json })
        {
            var read = serializer.Deserialize<MeetingState>(form)!;
            Assert.Equal("123456", read.ConferenceNumber);
            Assert.Equal(42, read.Version);
            Assert.True(read.Spec!.AdHoc);
            Assert.Equal(Identity.Role.Chair, read.RoleOverrides["1002"]);
        }

        // Participants are stored in roster pages (RosterStorageTests), not in the binary header; the legacy JSON
        // row still brings its list, and so does a binary header from before roster pages (field 10).
        Assert.Empty(serializer.Deserialize<MeetingState>(binary)!.Participants);
        Assert.Equal(7u, Assert.Single(serializer.Deserialize<MeetingState>(json)!.Participants).AudioSsrc);
        var oldBinary = serializer.Serialize(new MeetingState { Exists = true, LegacyParticipants = meeting.Participants });
        Assert.Equal(7u, Assert.Single(serializer.Deserialize<MeetingState>(oldBinary)!.LegacyParticipants!).AudioSsrc);

        var catalogRead = serializer.Deserialize<TenantCatalogState>(legacy.Serialize(catalog))!;
        Assert.Equal("conf-ab", Assert.Single(catalogRead.Meetings).Value.ConferenceNumber);
        Assert.Equal("conf-ab", Assert.Single(serializer.Deserialize<TenantCatalogState>(serializer.Serialize(catalog))!.Meetings).Value.ConferenceNumber);
    }
}
