// Placeholder until the front door lands.
export default {
  async fetch(): Promise<Response> {
    return new Response("front door not configured", { status: 503 });
  },
};
