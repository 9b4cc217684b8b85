using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Sparkle.Media.Transport;

/// <summary>Receives for every audio leg of the process on one thread: a level-triggered epoll set over the
/// legs' sockets and one non-blocking recvfrom per ready socket into one reused buffer, handed straight to
/// the leg. An awaited ReceiveFromAsync per socket cost, per packet, a second (failing) recvfrom to re-arm,
/// the async state machine and the socket engine's dispatch; here a wake-up serves every socket that is
/// ready. Linux only: elsewhere (or with SPARKLE_MEDIA_EPOLL=0, for comparison) <see cref="Shared"/> is null
/// and the legs keep their async loops.</summary>
internal sealed unsafe partial class UdpReceiveLoop
{
    internal interface IHandler
    {
        /// <summary>One datagram (receive thread; must not block, must not throw).</summary>
        void OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket);
    }

    private sealed class Registration(Socket socket, IHandler handler, bool rtcpSocket, ulong token)
    {
        public readonly Socket Socket = socket;
        public readonly IHandler Handler = handler;
        public readonly bool RtcpSocket = rtcpSocket;
        public readonly ulong Token = token;
        public readonly SocketAddress From = new(socket.AddressFamily);
        public int FromSize = -1;
    }

    private const int MaxEvents = 256;
    private const uint EpollIn = 0x001;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCloexec = 0x80000;

    private static readonly Lazy<UdpReceiveLoop?> s_shared = new(Create);

    // struct epoll_event is packed on x86-64 (12 bytes, data at 4), naturally aligned elsewhere (16, at 8).
    private static readonly int s_eventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_dataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll;
    // Held while a batch is dispatched, so that Remove returns only once no handler of that socket runs.
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _dispatch = new();
    private readonly byte[] _buffer = new byte[2048];
    private Registration?[] _slots = new Registration?[256];
    private readonly Stack<int> _free = new();
    private int _used;
    private uint _generation;

    private UdpReceiveLoop(int epoll)
    {
        _epoll = epoll;
        new Thread(Run) { IsBackground = true, Name = "rtp-receive", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>The process's receive loop, or null where the legs use async receives.</summary>
    public static UdpReceiveLoop? Shared => s_shared.Value;

    private static UdpReceiveLoop? Create()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("SPARKLE_MEDIA_EPOLL") == "0")
        {
            return null;
        }
        var epoll = EpollCreate1(EpollCloexec);
        return epoll < 0 ? null : new UdpReceiveLoop(epoll);
    }

    /// <summary>Starts receiving on a socket (made non-blocking); returns the token for <see cref="Remove"/>.</summary>
    public ulong Add(Socket socket, IHandler handler, bool rtcpSocket)
    {
        socket.Blocking = false;
        lock (_dispatch)
        {
            if (!_free.TryPop(out var index))
            {
                if (_used == _slots.Length)
                {
                    Array.Resize(ref _slots, _slots.Length * 2);
                }
                index = _used++;
            }
            // The generation tells a stale event (of a socket removed after epoll_wait returned) from a new one.
            var token = ((ulong)++_generation << 32) | (uint)index;
            var registration = new Registration(socket, handler, rtcpSocket, token);
            registration.FromSize = registration.From.Size;
            if (Control(EpollCtlAdd, socket, token) != 0)
            {
                _free.Push(index);
                throw new SocketException(Marshal.GetLastPInvokeError());
            }
            _slots[index] = registration;
            return token;
        }
    }

    /// <summary>Stops receiving on a socket; no handler call for it runs once this returns.</summary>
    public void Remove(Socket socket, ulong token)
    {
        lock (_dispatch)
        {
            var index = (int)(uint)token;
            if (_slots[index] is { } registration && registration.Token == token)
            {
                _slots[index] = null;
                _free.Push(index);
                Control(EpollCtlDel, socket, 0);
            }
        }
    }

    private int Control(int operation, Socket socket, ulong token)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(ulong*)(ev + s_dataOffset) = token;
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            return EpollCtl(_epoll, operation, (int)socket.SafeHandle.DangerousGetHandle(), ev);
        }
        catch (ObjectDisposedException)
        {
            return -1; // closed already: the kernel dropped it from the set
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * s_eventSize));
        while (true)
        {
            var count = EpollWait(_epoll, events, MaxEvents, -1);
            if (count <= 0)
            {
                continue; // EINTR (the runtime's signals)
            }
            lock (_dispatch)
            {
                var slots = _slots;
                for (var i = 0; i < count; i++)
                {
                    var token = *(ulong*)(events + (i * s_eventSize) + s_dataOffset);
                    var index = (int)(uint)token;
                    if (index < slots.Length && slots[index] is { } registration && registration.Token == token)
                    {
                        Receive(registration);
                    }
                }
            }
            // Coalesce: let 1 ms of packets queue up, so one wake-up serves many legs instead of one or two
            // (phones are not in phase: 5,000 packets/s would otherwise mean thousands of wake-ups). The
            // jitter buffers sample arrival times, so they see at most 1 ms more jitter; the 20 ms mixer
            // tick hides the latency.
            Thread.Sleep(1);
        }
    }

    private void Receive(Registration registration)
    {
        int received;
        try
        {
            // Level-triggered: one packet per wake-up; another one queued reports the socket again.
            registration.From.Size = registration.FromSize;
            received = registration.Socket.ReceiveFrom(_buffer, SocketFlags.None, registration.From);
        }
        catch (SocketException)
        {
            return; // EAGAIN after a spurious wake-up, or an ICMP error surfacing on the socket
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        registration.Handler.OnDatagram(_buffer.AsSpan(0, received), registration.From, registration.RtcpSocket);
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait")]
    private static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeout);
}
